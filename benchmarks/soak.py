"""Soak: 500 sockets for 10 minutes with churn and a Redis restart in the middle.

Reports server memory growth, leaked Redis connections, stale subscriptions/group members and
lost or duplicated events (every client must end with every event exactly once).

    python benchmarks/soak.py [--minutes 10] [--sockets 500] [--rate 2]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.fanout import PY, STREAM, django_setup, free_port, wait_port  # noqa: E402


def client_process(urls, count, churn_per_s, out, stop, total_q):  # type: ignore[no-untyped-def]
    asyncio.run(_clients(urls, count, churn_per_s, out, stop, total_q))


async def _clients(urls, count, churn_per_s, out, stop, total_q):  # type: ignore[no-untyped-def]
    from tests.realtime.wsclient import LiveClient

    clients = []
    for i in range(count):
        url = urls[i % len(urls)]
        client = LiveClient(url, [STREAM], origin="http://" + url.split("/")[2])
        client.task = asyncio.ensure_future(client.run())
        clients.append(client)
        if i % 50 == 49:
            await asyncio.sleep(0.05)
    churned = 0
    while not stop.is_set():
        await asyncio.sleep(1)
        for client in random.sample(clients, min(churn_per_s, len(clients))):
            if client._ws is not None:
                churned += 1
                await client._ws.close()  # the client reconnects and catches up from its seq
    total = total_q.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
        c.received[STREAM][-1:] == [total] for c in clients
    ):
        await asyncio.sleep(0.2)
    result = {"churned": churned, "lost": 0, "duplicates_dropped": 0, "bad": 0}
    for c in clients:
        got = c.received[STREAM]
        first = got[0] if got else total + 1
        # A client may have subscribed after some events: it owes everything from its start.
        expected = list(range(first, total + 1))
        if got != expected:
            result["bad"] += 1
            result["lost"] += len(set(expected) - set(got))
        result["duplicates_dropped"] += c.duplicates
    for c in clients:
        await c.stop()
        c.task.cancel()
    out.put(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--rate", type=float, default=2.0, help="events per second")
    parser.add_argument("--churn", type=int, default=10, help="sockets closed per second")
    parser.add_argument("--servers", type=int, default=2)
    args = parser.parse_args()

    import psutil
    import redis

    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_cmd = ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"]
    redis_proc = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
    wait_port(port)
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LIVE_SERVER_DB_NAME": str(tmp / "soak.sqlite3"),
        "REDIS_URL": url,
        "REALTIME_STATS_FILE": str(tmp / "stats"),
        "CHANNEL_PREFIX": "soak",
    }
    child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    os.environ.pop("DATABASE_URL", None)
    django_setup(env)
    from django.db import transaction

    from realtime.services import emit

    servers = []
    for _ in range(args.servers):
        p_port = free_port()
        log = open(tmp / f"daphne-{p_port}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(p_port), "config.asgi:application"],
            cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        servers.append((proc, p_port))
    for _, p_port in servers:
        wait_port(p_port)
    urls = [f"ws://127.0.0.1:{p}/ws/" for _, p in servers]
    out: mp.Queue = mp.Queue()
    total_q: mp.Queue = mp.Queue()
    stop = mp.Event()
    procs = []
    for i in range(2):
        share = args.sockets // 2 + (i < args.sockets % 2)
        procs.append(
            mp.Process(
                target=client_process,
                args=(urls, share, args.churn // 2, out, stop, total_q),
                daemon=True,
            )
        )
    for p in procs:
        p.start()
    time.sleep(10)  # connect
    rss = lambda: sum(psutil.Process(p.pid).memory_info().rss for p, _ in servers)  # noqa: E731
    rss_start = rss()
    load = os.getloadavg()
    print(
        f"# {args.sockets} sockets on {args.servers} daphne processes, {args.rate}/s, churn "
        f"{args.churn}/s, {args.minutes} min; load average {load[0]:.2f} (2 shared cores)"
    )
    duration = args.minutes * 60
    started = time.monotonic()
    restarted = False
    seq = 0
    samples = []
    while time.monotonic() - started < duration:
        with transaction.atomic():
            seq = emit(stream=STREAM, event="post_created", data={"n": seq}).seq
        if not restarted and time.monotonic() - started > duration / 2:
            redis_proc.kill()
            redis_proc.wait()
            time.sleep(2)
            redis_proc = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
            wait_port(port)
            restarted = True
            print(f"# Redis killed and restarted at {time.monotonic() - started:.0f}s")
        if time.monotonic() - started >= 30 * len(samples):
            samples.append(rss())
        time.sleep(1.0 / args.rate)
    stop.set()
    for _ in procs:
        total_q.put(seq)
    results = [out.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(30)
    time.sleep(7)  # lazy unsubscribes settle
    rss_end = rss()
    client = redis.Redis.from_url(url)
    clients = client.client_list()
    pubsub_conns = [c for c in clients if int(c.get("sub", 0)) or int(c.get("psub", 0))]
    numsub = dict(client.pubsub_numsub(f"soak.rt.0.{STREAM}"))
    group_keys = len(client.keys("*group*"))
    stats = {}
    for path in glob.glob(str(tmp / "stats") + ".*.json"):
        for k, v in json.load(open(path)).items():  # noqa: SIM115
            if not isinstance(v, list):  # counters (not fanout.py's per-event timings)
                stats[k] = stats.get(k, 0) + v
    lost = sum(r["lost"] for r in results)
    # Why each process dropped its pub/sub connection, and anything else daphne warned about:
    # one Redis restart must make exactly one reconnect wave per process.
    warnings: dict[str, int] = {}
    for path in glob.glob(str(tmp / "daphne-*.log")):
        for line in open(path, errors="replace"):  # noqa: SIM115
            # Not the access log (daphne's stdout), nor a traceback's body.
            if '"WS' in line or '"GET' in line or line[:1].isspace() or not line.strip():
                continue
            key = line.strip()[:100]
            warnings[key] = warnings.get(key, 0) + 1
    print(json.dumps({
        "events": seq,
        "server_rss_start_mb": round(rss_start / 2**20, 1),
        "server_rss_end_mb": round(rss_end / 2**20, 1),
        "server_rss_growth_mb": round((rss_end - rss_start) / 2**20, 1),
        "rss_samples_mb": [round(s / 2**20, 1) for s in samples],
        "redis_connections_at_end": len(clients) - 1,  # minus this one
        "pubsub_connections_at_end": len(pubsub_conns),
        "expected_pubsub_connections": args.servers,
        "stream_subscribers_at_end (no sockets left)": sum(numsub.values()) if numsub else 0,
        "sockets_still_registered": stats.get("sockets", 0),
        "channel_layer_group_keys": group_keys,
        "reconnect_waves": stats.get("reconnects", 0),
        "expected_reconnect_waves (one per process)": args.servers,
        "daphne_log_warnings": warnings,
        "lost_events": lost,
        "clients_not_exactly_once": sum(r["bad"] for r in results),
        "duplicates_dropped_by_clients": sum(r["duplicates_dropped"] for r in results),
        "churned_sockets": sum(r["churned"] for r in results),
        "hub": stats,
    }))  # fmt: skip
    for proc, _ in servers:
        proc.terminate()
        proc.wait(10)
    redis_proc.kill()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
