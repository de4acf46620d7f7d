"""Fan-out of live events: the real stack (emit -> Redis -> daphne hub -> sockets) next to a
plain asyncio ``websockets.broadcast`` server fed by the same Redis (the physical baseline).

Starts its own redis-server, daphne processes, baseline server and client processes on
loopback; bounded in time. Prints, per scenario and server: delivered/expected, latency from
commit (baseline: from publish) to receipt p50/p95/p99, server CPU microseconds per delivered
message, over-capacity (slow-socket) drops, SQL queries per delivery on the push path.

    python benchmarks/fanout.py [--subscribers 1000] [--rate 10] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
STREAM = "public:site"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


# --- clients ---------------------------------------------------------------------------------


def client_process(urls: list[str], count: int, subscribe: bool, out: mp.Queue, ready: mp.Event,
                   stop: mp.Event) -> None:  # fmt: skip
    asyncio.run(_clients(urls, count, subscribe, out, ready, stop))


async def _clients(urls, count, subscribe, out, ready, stop):  # type: ignore[no-untyped-def]
    import websockets

    arrivals: list[tuple[int, float]] = []
    connected = 0

    failed = 0

    async def one(index: int) -> None:
        nonlocal connected, failed
        url = urls[index % len(urls)]
        origin = "http://" + url.split("/")[2]
        for attempt in range(5):
            try:
                ws = await websockets.connect(
                    url, origin=origin, max_queue=None, ping_interval=None, open_timeout=60
                )
                break
            except Exception:
                await asyncio.sleep(0.5 * (attempt + 1))
        else:
            failed += 1
            return
        async with ws:
            if subscribe:
                await ws.send(json.dumps({"type": "subscribe", "stream": STREAM}))
                while '"subscribed"' not in await ws.recv():
                    pass
            connected += 1
            async for raw in ws:
                # Cheap: find the seq without parsing the whole payload (clients share the CPU).
                at = raw.find('"seq":')
                if at >= 0:
                    end = raw.find(",", at)
                    seq = int(raw[at + 6 : end if end > 0 else raw.find("}", at)])
                    if seq:
                        arrivals.append((seq, time.time()))

    tasks = []
    for i in range(count):
        tasks.append(asyncio.ensure_future(one(i)))
        if i % 25 == 24:
            await asyncio.sleep(0.1)
    while connected + failed < count:
        await asyncio.sleep(0.05)
    out.put(("connected", connected))
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.1)
    for t in tasks:
        t.cancel()
    out.put(("arrivals", arrivals))


def start_clients(urls, total, procs, subscribe):  # type: ignore[no-untyped-def]
    out: mp.Queue = mp.Queue()
    stop = mp.Event()
    workers = []
    readies = []
    per = [total // procs + (1 if i < total % procs else 0) for i in range(procs)]
    for n in per:
        ready = mp.Event()
        p = mp.Process(
            target=client_process, args=(urls, n, subscribe, out, ready, stop), daemon=True
        )
        p.start()
        workers.append(p)
        readies.append(ready)
    connected = sum(out.get(timeout=600)[1] for _ in workers)
    return out, stop, workers, connected


def collect(out, stop, workers):  # type: ignore[no-untyped-def]
    stop.set()
    arrivals = []
    for _ in workers:
        _kind, data = out.get(timeout=120)
        arrivals.extend(data)
    for p in workers:
        p.join(30)
    return arrivals


# --- baseline server -------------------------------------------------------------------------

BASELINE = r"""
import asyncio, sys, redis.asyncio as aioredis, websockets
port, url, channel = int(sys.argv[1]), sys.argv[2], sys.argv[3]
clients = set()
async def handler(ws):
    clients.add(ws)
    try:
        await ws.wait_closed()
    finally:
        clients.discard(ws)
async def main():
    # No compression: daphne does not negotiate it either, so both write the same bytes.
    async with websockets.serve(handler, "127.0.0.1", port, max_queue=None, ping_interval=None,
                                compression=None):
        r = aioredis.Redis.from_url(url, socket_timeout=None)
        ps = r.pubsub()
        await ps.subscribe(channel)
        async for m in ps.listen():
            if m["type"] == "message":
                websockets.broadcast(clients, m["data"].decode())
asyncio.run(main())
"""


# --- figures ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        total += t.user + t.system
    return total


def read_stats(stats_prefix: str) -> dict[str, Any]:
    totals: dict[str, Any] = {}
    for path in glob.glob(stats_prefix + ".*.json"):
        with open(path) as handle:
            for key, value in json.load(handle).items():
                if isinstance(value, list):
                    totals.setdefault(key, []).append(value)  # one list per process
                else:
                    totals[key] = totals.get(key, 0) + value
    return totals


def report(name, commit_times, arrivals, subscribers, cpu, stats_before, stats_after):  # type: ignore[no-untyped-def]
    expected = len(commit_times) * subscribers
    latencies = [(t - commit_times[s]) * 1000 for s, t in arrivals if s in commit_times]
    delivered = len(latencies)
    row = {
        "scenario": name,
        "delivered": f"{delivered}/{expected}",
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "cpu_us_per_delivery": round(cpu * 1e6 / delivered, 1) if delivered else None,
    }
    by_post: dict[int, list[float]] = {}
    for s, t in arrivals:
        if s in commit_times:
            by_post.setdefault(s, []).append((t - commit_times[s]) * 1000)
    if by_post:
        # A tail made by one slow post looks very different from a tail every post has.
        medians = sorted((percentile(v, 50), s) for s, v in by_post.items())
        row["post_median_ms_min_max"] = [round(medians[0][0], 1), round(medians[-1][0], 1)]
        row["slowest_post"] = medians[-1][1] - min(commit_times) + 1
    if stats_after is not None and stats_after.get("fanned_out"):
        # From commit to the last process writing the post to its last socket: the server's
        # share, free of the client processes' scheduling (they share the same cores).
        ends: dict[int, float] = {}
        for per_process in stats_after["fanned_out"]:
            for seq, at in per_process:
                if seq in commit_times:
                    ends[seq] = max(ends.get(seq, 0.0), at)
        server = [(at - commit_times[seq]) * 1000 for seq, at in ends.items()]
        row["server_written_ms_p50_max"] = [
            round(percentile(server, 50), 1),
            round(max(server), 1) if server else None,
        ]
    if stats_after is not None:
        row["drops"] = stats_after.get("slow_drops", 0) - stats_before.get("slow_drops", 0)
        queries = stats_after.get("queries", 0) - stats_before.get("queries", 0)
        row["sql_per_delivery"] = round(queries / delivered, 4) if delivered else None
    print(json.dumps(row))
    return row


# --- scenarios -------------------------------------------------------------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from realtime.models import StreamCursor, StreamEvent

    with connection.schema_editor() as editor:
        for model in (StreamCursor, StreamEvent):
            if model._meta.db_table not in connection.introspection.table_names():
                editor.create_model(model)


def emit_posts(count: int, rate: float, size: int) -> dict[int, float]:
    from django.db import transaction

    from realtime.services import emit

    commit_times: dict[int, float] = {}
    interval = 1.0 / rate
    started = time.monotonic()
    for n in range(count):
        box: dict[str, float] = {}
        with transaction.atomic():
            # Registered before emit's own callback: runs first, right at commit.
            transaction.on_commit(lambda box=box: box.__setitem__("t", time.time()))
            record = emit(stream=STREAM, event="post_created", data={"n": n, "html": "x" * size})
        commit_times[record.seq] = box["t"]
        delay = started + (n + 1) * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return commit_times


def publish_posts(url: str, channel: str, count: int, rate: float, size: int, first_seq: int):  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(url)
    commit_times = {}
    started = time.monotonic()
    for n in range(count):
        seq = first_seq + n
        payload = {"n": n, "html": "x" * size}
        frame = {"type": "event", "stream": STREAM, "event": "post_created", "seq": seq}
        text = json.dumps({**frame, "data": payload}, separators=(",", ":"))
        commit_times[seq] = time.time()
        client.publish(channel, text)
        delay = started + (n + 1) * (1.0 / rate) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return commit_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--single-posts", type=int, default=10)
    parser.add_argument("--client-procs", type=int, default=4)
    parser.add_argument("--size", type=int, default=300, help="payload bytes (rendered HTML)")
    parser.add_argument(
        "--only", default="1,2,baseline", help="scenarios to run: any of 1, 2, baseline"
    )
    parser.add_argument(
        "--py-spy",
        metavar="PATH",
        help="py-spy executable: record each measured daphne process (collapsed stacks, "
        "fanout-<scenario>-<pid>.txt in the current directory)",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))

    import psutil

    tmp = Path(tempfile.mkdtemp(prefix="fanout-"))
    redis_port = free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    procs: list[subprocess.Popen[bytes]] = []
    redis_proc = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    procs.append(redis_proc)
    wait_port(redis_port)
    stats_prefix = str(tmp / "stats")
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LIVE_SERVER_DB_NAME": str(tmp / "bench.sqlite3"),
        "REDIS_URL": redis_url,
        "REALTIME_STATS_FILE": stats_prefix,
        "CHANNEL_PREFIX": "bench",
    }
    env.pop("DATABASE_URL", None)
    child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    django_setup(env)
    load = os.getloadavg()
    print(f"# machine: {psutil.cpu_count()} cores, load average before {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f} (shared with other work)")  # fmt: skip

    def start_daphnes(n: int) -> list[tuple[subprocess.Popen[bytes], int]]:
        started = []
        for _ in range(n):
            port = free_port()
            command = [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            with open(tmp / f"daphne-{port}.log", "wb") as log:
                p = subprocess.Popen(
                    [*command, "config.asgi:application"],
                    cwd=ROOT,
                    env=child_env,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            procs.append(p)
            started.append((p, port))
        for _, port in started:
            wait_port(port)
        return started

    def stop(ps) -> None:  # type: ignore[no-untyped-def]
        for p, _ in ps:
            p.terminate()
            p.wait(10)

    def record(scenario: str, pids: list[int]) -> list[subprocess.Popen[bytes]]:
        """py-spy attached for the measured window only (not connection set-up)."""
        if not args.py_spy:
            return []
        return [
            subprocess.Popen(
                [args.py_spy, "record", "--pid", str(pid), "--rate", "250", "--nonblocking",
                 "--format", "raw", "--output", f"fanout-{scenario}-{pid}.txt"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid in pids
        ]  # fmt: skip

    def stop_recording(recorders: list[subprocess.Popen[bytes]]) -> None:
        for recorder in recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
            recorder.wait(30)

    rows = []
    try:
        # 1) one post at a time to N idle subscribers on one daphne process.
        if "1" in only:
            servers = start_daphnes(1)
            urls = [f"ws://127.0.0.1:{port}/ws/" for _, port in servers]
            out, stop_ev, workers, connected = start_clients(
                urls, args.subscribers, args.client_procs, True
            )
            print(f"# scenario 1: {connected} subscribers connected to 1 daphne process")
            time.sleep(1)
            pids = [p.pid for p, _ in servers]
            recorders = record("1", pids)
            s0, c0 = read_stats(stats_prefix), cpu_seconds(pids)
            commit_times = {}
            for _ in range(args.single_posts):
                commit_times |= emit_posts(1, 1000, args.size)
                time.sleep(0.5)
            time.sleep(1)
            c1, s1 = cpu_seconds(pids), read_stats(stats_prefix)
            stop_recording(recorders)
            arrivals = collect(out, stop_ev, workers)
            rows.append(
                report("single post, 1 process", commit_times, arrivals, connected, c1 - c0, s0, s1)
            )
            stop(servers)
            for path in glob.glob(stats_prefix + ".*"):
                os.unlink(path)

        # 2) R posts/s for S seconds to N subscribers spread over 2 daphne processes.
        if "2" in only:
            servers = start_daphnes(2)
            urls = [f"ws://127.0.0.1:{port}/ws/" for _, port in servers]
            out, stop_ev, workers, connected = start_clients(
                urls, args.subscribers, args.client_procs, True
            )
            print(
                f"# scenario 2: {connected} subscribers on 2 daphne processes, "
                f"{args.rate}/s for {args.seconds}s"
            )
            time.sleep(1)
            pids = [p.pid for p, _ in servers]
            recorders = record("2", pids)
            s0, c0 = read_stats(stats_prefix), cpu_seconds(pids)
            commit_times = emit_posts(int(args.rate * args.seconds), args.rate, args.size)
            time.sleep(1.5)
            c1, s1 = cpu_seconds(pids), read_stats(stats_prefix)
            stop_recording(recorders)
            arrivals = collect(out, stop_ev, workers)
            rows.append(
                report(
                    f"{args.rate:g} posts/s, 2 processes",
                    commit_times,
                    arrivals,
                    connected,
                    c1 - c0,
                    s0,
                    s1,
                )
            )
            stop(servers)

        # 3) the plain baseline: one asyncio websockets.broadcast process, same Redis feed.
        baselines = [
            ("single post", args.single_posts, 2.0),
            (f"{args.rate:g} posts/s", int(args.rate * args.seconds), args.rate),
        ]
        for label, posts, rate in baselines if "baseline" in only else []:
            port = free_port()
            channel = "baseline"
            p = subprocess.Popen([PY, "-c", BASELINE, str(port), redis_url, channel], env=child_env)
            procs.append(p)
            wait_port(port)
            out, stop_ev, workers, connected = start_clients(
                [f"ws://127.0.0.1:{port}/"], args.subscribers, args.client_procs, False
            )
            time.sleep(1)
            c0 = cpu_seconds([p.pid])
            commit_times = publish_posts(redis_url, channel, posts, rate, args.size, 1)
            time.sleep(1.5)
            c1 = cpu_seconds([p.pid])
            arrivals = collect(out, stop_ev, workers)
            rows.append(
                report(
                    f"baseline {label}, 1 process",
                    commit_times,
                    arrivals,
                    connected,
                    c1 - c0,
                    {},
                    None,
                )
            )
            p.terminate()
            p.wait(10)
        by_name = {row["scenario"]: row for row in rows}
        real = by_name.get(f"{args.rate:g} posts/s, 2 processes", {}).get("cpu_us_per_delivery")
        base = by_name.get(f"baseline {args.rate:g} posts/s, 1 process", {}).get(
            "cpu_us_per_delivery"
        )
        if real and base:
            print(
                f"# CPU per delivery, real stack / plain baseline at {args.rate:g}/s: "
                f"{real / base:.2f}x"
            )
        load = os.getloadavg()
        print(f"# load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
