"""Published pages through the production server layout, against a bare Django view.

    .venv/bin/python benchmarks/pages.py [--news 500] [--seconds 4] [--concurrency 8]
        [--servers daphne,gunicorn] [--modes cached,uncached,cold] [--pages home,index,article]

Seeds (once, idempotently) a site with ``--news`` articles in each of three languages, then
starts real servers on loopback with production settings (DEBUG off, manifest static files,
Redis cache when REDIS_URL is set or Redis answers on 127.0.0.1:6379/1):

- daphne (ASGI, one process), the way `make run` and the websocket hub serve;
- gunicorn (WSGI, one process with threads), the production layout for plain HTTP.

For each server it drives the home page, the news index and a news page with a small threaded
HTTP/1.1 keep-alive client, next to ``/bench/bare`` (a view doing no work behind the same
middleware), and prints requests/s and the ratio to the bare view, in three modes:

- cached: the whole-page cache for anonymous visitors on (what most visitors get);
- uncached: the whole-page cache off (what signed-in members get), content caches warm
  (routes, pages, fragments: see docs/cms.md);
- cold: the whole-page cache off and the content version bumped before every request, as on
  the first view after a publication: every content cache misses (needs Redis, shared by the
  benchmark and the servers).

It also prints the number of database queries each page needs with the page cache off, warm and
cold, and the load average before and after (the machine may be shared: compare ratios).
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
from collections.abc import Callable
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


def query_counts(env: dict[str, str], urls: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Queries per request with the page cache off: (warm, cold) for each page."""
    code = (
        "import django, json, sys; django.setup();"
        "from django.test import Client; from django.db import connection;"
        "from django.test.utils import CaptureQueriesContext;"
        "from django.conf import settings; settings.CMS_PAGE_CACHE = False;"
        "from cms.cache import bump_content_version;"
        "c = Client(); out = {};\n"
        "for name, url in json.loads(sys.argv[1]).items():\n"
        "    out[name] = []\n"
        "    for cold in (False, True):\n"
        "        c.get(url)\n"
        "        if cold: bump_content_version()\n"
        "        with CaptureQueriesContext(connection) as q:\n"
        "            assert c.get(url).status_code == 200, url\n"
        "        out[name].append(len(q))\n"
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
    return {k: tuple(v) for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def version_bumper(env: dict[str, str]) -> Callable[[], Callable[[], None]] | None:
    """A factory of per-thread functions that bump the content version, as a publication does
    (None without Redis: the servers' caches are then out of the benchmark's reach)."""
    if not env.get("REDIS_URL"):
        return None
    code = (
        "import django; django.setup(); from django.core.cache import cache;"
        "from cms.cache import VERSION_KEY, content_version; content_version();"
        "print(cache.make_and_validate_key(VERSION_KEY))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    key = result.stdout.strip().splitlines()[-1] if result.returncode == 0 else ""
    if not key:
        return None
    import redis

    def make() -> Callable[[], None]:
        client = redis.Redis.from_url(env["REDIS_URL"])
        return lambda: client.incr(key)

    return make


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


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


def hammer(
    port: int,
    path: str,
    seconds: float,
    concurrency: int,
    before: Callable[[], Callable[[], None]] | None = None,
) -> float:
    """Requests per second over ``seconds`` with ``concurrency`` keep-alive connections.

    ``before`` (a factory, called once per connection) makes a function called before each
    request.
    """
    counts = [0] * concurrency
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        prepare = before() if before else None
        while time.monotonic() < stop:
            try:
                if prepare:
                    prepare()
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


PAGES = {"home": "/en/", "index": "/en/news/", "article": "/en/news/bulk-7/"}
LABELS = {"home": "home", "index": "news index", "article": "news page"}
MODES = ("cached", "uncached", "cold")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--news", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--servers", default="daphne,gunicorn")
    parser.add_argument("--modes", default=",".join(MODES), help="of: " + ",".join(MODES))
    parser.add_argument("--pages", default=",".join(PAGES), help="of: " + ",".join(PAGES))
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if unknown := set(modes) - set(MODES) or set(args.pages.split(",")) - set(PAGES):
        parser.error(f"unknown mode or page: {', '.join(sorted(unknown))}")
    urls = {LABELS[name]: PAGES[name] for name in args.pages.split(",")}

    env = base_env()
    database = env.get("DATABASE_URL", "sqlite:" + env.get("SQLITE_PATH", ""))
    print(f"database: {database.split('@')[-1]}  cache: {env.get('REDIS_URL') or 'local memory'}")
    print(f"load average at start: {load_average()}")
    prepare(env, args.news)
    counts = query_counts(env, urls)
    print(
        "queries per request (page cache off), warm / after a publication: "
        + ", ".join(f"{k} {warm} / {cold}" for k, (warm, cold) in counts.items())
    )
    bumper = version_bumper(env)
    if "cold" in modes and bumper is None:
        print("  (no Redis shared with the servers: the cold mode is skipped)")
        modes.remove("cold")

    rows = []
    for kind in args.servers.split(","):
        for mode in modes:
            server_env = {**env, "CMS_PAGE_CACHE": "true" if mode == "cached" else "false"}
            port = free_port()
            process = start_server(kind, server_env, port)
            before = bumper if mode == "cold" else None
            try:
                # The machine is shared: measure the baseline right before each page, so both
                # figures of a ratio see the same background load.
                for name, path in urls.items():
                    bare = hammer(port, "/bench/bare", args.seconds, args.concurrency)
                    rps = hammer(port, path, args.seconds, args.concurrency, before)
                    rows.append((kind, mode, name, rps, bare))
            finally:
                process.terminate()
                process.wait(timeout=10)
            rows.append((kind, mode, "bare view", bare, bare))

    print(
        f"\n{'server':9} {'page cache':10} {'page':11} {'req/s':>8} {'bare req/s':>11} {'ratio':>6}"
    )
    for kind, mode, name, rps, bare in rows:
        print(f"{kind:9} {mode:10} {name:11} {rps:8.0f} {bare:11.0f} {rps / bare:6.0%}")
    bare_by_server = {kind: bare for kind, _m, name, _r, bare in rows if name == "bare view"}
    if {"daphne", "gunicorn"} <= bare_by_server.keys():
        ratio = bare_by_server["gunicorn"] / bare_by_server["daphne"]
        print(f"\nbare view: gunicorn (WSGI) / daphne (ASGI) = {ratio:.1f}x")
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
