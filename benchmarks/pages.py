"""Published pages through the production server layout, against a bare Django view.

    .venv/bin/python benchmarks/pages.py [--news 500] [--seconds 4] [--concurrency 8]

Seeds (once, idempotently) a site with ``--news`` articles in each of three languages, then
starts real servers on loopback with production settings (DEBUG off, manifest static files,
Redis cache when REDIS_URL is set or Redis answers on 127.0.0.1:6379/1):

- daphne (ASGI, one process), the way `make run` and the websocket hub serve;
- gunicorn (WSGI, one process with threads), the candidate layout for plain HTTP.

For each server it drives the home page, the news index and a news page with a small threaded
HTTP/1.1 keep-alive client, with the whole-page cache on and off, next to ``/bench/bare`` (a view
doing no work behind the same middleware), and prints requests/s and the ratio to the bare view.
It also prints the number of database queries each page needs with the page cache off.
Uses $DATABASE_URL when set (e.g. PostgreSQL), else a SQLite file in the system temp dir.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-abcdef"


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
        return url
    except Exception:
        return ""


def base_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "BENCHMARK_VIEWS": "true",
        "LOG_LEVEL": "WARNING",
    }
    if not env.get("DATABASE_URL"):
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(Path(tempfile.gettempdir()) / "alliance-bench-pages.sqlite3")
    redis_url = _redis_url()
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def prepare(env: dict[str, str], news: int) -> None:
    """Migrate, collect static files and seed, in a child process with the servers' settings."""
    py = sys.executable
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([py, "manage.py", "migrate", "--no-input", "-v0"], **run)
    subprocess.run([py, "manage.py", "collectstatic", "--no-input", "-v0"], **run)
    code = (
        "import django; django.setup();"
        "from cms.services import ensure_site; from cms.demo import seed_news;"
        "from cms.models import NewsIndexPage;"
        "home = ensure_site();"
        "index = NewsIndexPage.objects.get(locale__language_code='en');"
        f"added = seed_news(index=index, count={news});"
        "from django.core.cache import cache; cache.clear();"
        "print(f'  seeded {added} new articles x 3 languages')"
    )
    subprocess.run([py, "-c", code], **run)


def query_counts(env: dict[str, str], urls: dict[str, str]) -> dict[str, int]:
    code = (
        "import django, json, sys; django.setup();"
        "from django.test import Client; from django.db import connection;"
        "from django.test.utils import CaptureQueriesContext;"
        "from django.conf import settings; settings.CMS_PAGE_CACHE = False;"
        "c = Client(); out = {};\n"
        "for name, url in json.loads(sys.argv[1]).items():\n"
        "    c.get(url)\n"
        "    with CaptureQueriesContext(connection) as q:\n"
        "        assert c.get(url).status_code == 200, url\n"
        "    out[name] = len(q)\n"
        "print(json.dumps(out))"
    )
    import json

    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(urls)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(kind: str, env: dict[str, str], port: int) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    if kind == "daphne":
        cmd = [
            str(bin_dir / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ]
    else:
        cmd = [
            str(bin_dir / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "config.wsgi:application",
        ]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/bare")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{kind} did not start")


def hammer(port: int, path: str, seconds: float, concurrency: int) -> float:
    """Requests per second over ``seconds`` with ``concurrency`` keep-alive connections."""
    counts = [0] * concurrency
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path}: {response.status}")
                    return
                counts[slot] += 1
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                errors.append(str(exc))
                if len(errors) > 50:
                    return
        conn.close()

    # Warm up: routes, templates, translations and (if on) the page cache.
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(3):
        warm.request("GET", path)
        warm.getresponse().read()
    warm.close()
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"  ! {len(errors)} errors, first: {errors[0]}")
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--news", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--servers", default="daphne,gunicorn")
    args = parser.parse_args()

    env = base_env()
    database = env.get("DATABASE_URL", "sqlite:" + env.get("SQLITE_PATH", ""))
    print(f"database: {database.split('@')[-1]}  cache: {env.get('REDIS_URL') or 'local memory'}")
    prepare(env, args.news)
    urls = {"home": "/en/", "news index": "/en/news/", "news page": "/en/news/bulk-7/"}
    counts = query_counts(env, urls)
    print(
        "queries per request (page cache off): " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )

    rows = []
    for kind in args.servers.split(","):
        for cached in (True, False):
            server_env = {**env, "CMS_PAGE_CACHE": "true" if cached else "false"}
            port = free_port()
            process = start_server(kind, server_env, port)
            try:
                # The machine is shared: measure the baseline right before each page, so both
                # figures of a ratio see the same background load.
                for name, path in urls.items():
                    bare = hammer(port, "/bench/bare", args.seconds, args.concurrency)
                    rps = hammer(port, path, args.seconds, args.concurrency)
                    rows.append((kind, "cached" if cached else "uncached", name, rps, bare))
            finally:
                process.terminate()
                process.wait(timeout=10)
            rows.append((kind, "cached" if cached else "uncached", "bare view", bare, bare))

    print(
        f"\n{'server':9} {'page cache':10} {'page':11} {'req/s':>8} {'bare req/s':>11} {'ratio':>6}"
    )
    for kind, mode, name, rps, bare in rows:
        print(f"{kind:9} {mode:10} {name:11} {rps:8.0f} {bare:11.0f} {rps / bare:6.0%}")
    bare_by_server = {kind: bare for kind, _m, name, _r, bare in rows if name == "bare view"}
    if {"daphne", "gunicorn"} <= bare_by_server.keys():
        ratio = bare_by_server["gunicorn"] / bare_by_server["daphne"]
        print(f"\nbare view: gunicorn (WSGI) / daphne (ASGI) = {ratio:.1f}x")


if __name__ == "__main__":
    main()
