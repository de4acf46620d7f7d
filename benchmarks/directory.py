"""Directory latency at 50,000 members, next to a bare indexed query in the same run.

    /work/main/.venv/bin/python benchmarks/directory.py              # SQLite (own file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_network \\
        /work/main/.venv/bin/python benchmarks/directory.py          # PostgreSQL

Seeds the demo network at ``--scale`` (210 gives ~50,000 members) once, then times 20 typical
directory queries exactly as the page runs them (``selectors.search_directory``: the version
check, capped count, page of 20 and its cards) and whole page requests through Django's test
client. The same 20 queries run through the SQL path (the in-memory directory switched off), and
the naive ``icontains`` + paginator ``count(*)``, for comparison; every query's page and count
must be the same on both paths. Also: the time and memory to build a process's copy, and a query
right after a member changed (the copy catches up from the change log). Prints p50/p95, ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES: list[dict[str, str]] = [
    {},
    {"region": "africa"},
    {"q": "care"},
    {"q": "labour"},
    {"q": "souza"},
    {"role": "parliamentarian", "region": "latin-america"},
    {"topic": "climate", "language": "es"},
    {"mentoring": "mentor", "topic": "care-economy"},
    {"verified": "on"},
    {"country": "KE", "q": "youth"},
    {"q": "member of parliament"},
    {"sort": "newest"},
    {"q": "ana", "sort": "name"},
    {"region": "europe", "language": "fr", "role": "young_leader"},
    {"q": "campaign", "region": "asia"},
    {"topic": "gender-equality", "role": "parliamentarian", "mentoring": "mentor"},
    {"q": "partido"},
    {"country": "BR", "sort": "newest"},
    {"q": "climate organiser", "verified": "on"},
    {"language": "sw", "topic": "youth-participation", "page": "2"},
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=210)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("SQLITE_PATH", str(ROOT / "benchmarks" / ".directory.sqlite3"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from network import demo, directory_store, selectors
    from network.models import MemberProfile, User

    call_command("migrate", verbosity=0)
    members = User.objects.count()
    if members < 240 * args.scale:
        print(f"seeding the demo network at scale {args.scale} (once) ...", flush=True)
        start = time.perf_counter()
        demo.seed(scale=args.scale, stdout=sys.stdout)
        print(f"  seeded in {time.perf_counter() - start:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # A directory in steady state: statistics, and on PostgreSQL the visibility map that
        # index-only scans need (what autovacuum keeps up to date in production).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    members = User.objects.count()
    viewer = User.objects.get(email="young@alliance.example")
    print(f"\n{connection.vendor}: {members:,} members; viewer: a young leader\n")

    def bare() -> None:
        # The baseline: an indexed equality filter and a page of 20, nothing else.
        list(User.objects.filter(role="parliamentarian").values_list("id", "display_name")[:20])

    def run_query(filters: dict[str, str]):  # type: ignore[no-untyped-def]
        page = int(filters.get("page", 1))
        return lambda: selectors.search_directory(viewer=viewer, filters=filters, page=page)

    def rss_mb() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    directory_store.reset()
    before, start = rss_mb(), time.perf_counter()
    directory_store.current()
    build_ms = (time.perf_counter() - start) * 1000
    build_mb = rss_mb() - before

    bare_samples = timed(bare, args.repeat * 4)
    query_samples: list[float] = []
    worst: list[tuple[float, str]] = []
    for filters in QUERIES:
        samples = timed(run_query(filters), args.repeat)
        query_samples += samples
        worst.append((percentile(samples, 95), str(filters)))

    # The same queries through SQL, and both paths must agree.
    def answer(filters: dict[str, str]) -> tuple[list[str], int, bool]:
        page = run_query(filters)()
        return [m["handle"] for m in page.members], page.count, page.count_capped

    in_memory = [answer(filters) for filters in QUERIES]
    settings.DIRECTORY_MEMORY_INDEX = False
    sql_samples: list[float] = []
    for filters in QUERIES:
        sql_samples += timed(run_query(filters), max(3, args.repeat // 3))
    same = sum(answer(f) == mine for f, mine in zip(QUERIES, in_memory, strict=True))
    settings.DIRECTORY_MEMORY_INDEX = True

    # A member edits their profile: the next query (in any process) applies the change first.
    profiles = list(MemberProfile.objects.select_related("user").order_by("pk")[:40])
    change_samples = []
    for n, profile in enumerate(profiles):
        profile.headline = f"Organiser {n} of campaigns"
        profile.save()
        start = time.perf_counter()
        selectors.search_directory(viewer=viewer, filters={"q": "campaign"})
        change_samples.append((time.perf_counter() - start) * 1000)

    def naive() -> None:
        # What a straightforward directory runs: icontains on several columns + count(*).
        from django.db.models import Q

        qs = User.objects.filter(
            Q(display_name__icontains="an") | Q(profile__headline__icontains="an")
        ).order_by("display_name")
        paginator = Paginator(qs, 20)
        list(paginator.page(1).object_list)
        paginator.count  # noqa: B018

    naive_samples = timed(naive, max(5, args.repeat // 3))

    client = Client()
    client.force_login(viewer)
    page_samples: list[float] = []
    for filters in QUERIES:
        page_samples += timed(
            lambda filters=filters: client.get("/en/network/people/", filters), args.repeat // 2
        )

    b50, b95 = percentile(bare_samples, 50), percentile(bare_samples, 95)
    q50, q95 = percentile(query_samples, 50), percentile(query_samples, 95)
    s50, s95 = percentile(sql_samples, 50), percentile(sql_samples, 95)
    p50, p95 = percentile(page_samples, 50), percentile(page_samples, 95)
    print(f"in-memory copy built in {build_ms:,.0f} ms, {build_mb:,.0f} MB of this process")
    print(f"bare indexed filter query      p50 {b50:7.2f} ms   p95 {b95:7.2f} ms")
    print(
        f"directory query (20 kinds)     p50 {q50:7.2f} ms   p95 {q95:7.2f} ms"
        f"   p95 = {q95 / b95:4.1f}x bare (target <= 15 ms and <= 10x)"
    )
    print(
        f"  same queries through SQL     p50 {s50:7.2f} ms   p95 {s95:7.2f} ms"
        f"   p95 = {s95 / b95:4.1f}x bare; same page and count: {same}/{len(QUERIES)}"
    )
    print(
        f"  right after a member changed p50 {percentile(change_samples, 50):7.2f} ms"
        f"   p95 {percentile(change_samples, 95):7.2f} ms   (catch-up from the change log)"
    )
    print(
        f"whole directory page           p50 {p50:7.2f} ms   p95 {p95:7.2f} ms"
        f"   (target p95 <= 60 ms)"
    )
    print(
        f"naive icontains + count(*)     p50 {percentile(naive_samples, 50):7.2f} ms"
        f"   p95 {percentile(naive_samples, 95):7.2f} ms   (for comparison)"
    )
    print(f"\nmean directory query {statistics.mean(query_samples):.2f} ms; slowest kinds (p95):")
    for value, label in sorted(worst, reverse=True)[:5]:
        print(f"  {value:7.2f} ms  {label}")


if __name__ == "__main__":
    main()
