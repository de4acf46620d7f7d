"""Thread and category page throughput at 200 threads x 500 posts, next to a bare view.

    .venv/bin/python benchmarks/forums.py [--seconds 5] [--threads 200] [--posts 500]

Uses a throw-away SQLite file unless DATABASE_URL is set (then that database; the data stays
for the next run). Requests go through the full middleware stack with Django's test client,
signed in as a member, so the figures compare like with like: the ratio to the bare view is
the cost of the forum page itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("SQLITE_PATH", "/tmp/alliance-forums-bench.sqlite3")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--posts", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client
    from django.urls import clear_url_caches, path

    import config.urls

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    if connection.vendor == "sqlite":
        settings.DATABASES["default"]["NAME"] = os.environ["SQLITE_PATH"]
    call_command("migrate", verbosity=0)

    def bare(request: object) -> HttpResponse:
        return HttpResponse("ok")

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [path("bare/", bare), *config.urls.urlpatterns]  # type: ignore[attr-defined]
    sys.modules["bench_urls"] = urls
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()

    category, thread, reader = build(args.threads, args.posts)
    client = Client()
    client.force_login(reader)
    targets = {
        "bare view": "/bare/",
        "category page": category.get_absolute_url(),
        "thread page (first)": thread.get_absolute_url(),
        "thread page (last)": thread.get_absolute_url()
        + f"?page={(thread.last_number - 1) // 20 + 1}",
    }
    print(f"database: {connection.vendor}; {args.threads} threads x {args.posts} posts")
    results = {}
    for label, url in targets.items():
        assert client.get(url).status_code == 200, url
        executed: list[str] = []

        def count(run, sql, *rest, executed=executed):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(url)
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < args.seconds:
            client.get(url)
            done += 1
        rate = done / (time.perf_counter() - started)
        results[label] = rate
        ratio = rate / results["bare view"]
        print(f"{label:<22} {rate:8.1f} req/s  {ratio:6.1%} of bare  {len(executed):3d} queries")


def build(threads: int, posts: int) -> tuple:
    """Create the forum with bulk inserts (idempotent: reuses an existing benchmark forum)."""
    from django.db import transaction
    from django.utils import timezone

    from forums.models import Category, Participant, Post, Thread
    from forums.rendering import render_markdown
    from network.models import User

    category, _ = Category.objects.get_or_create(
        slug="bench", defaults={"name": "Benchmark", "read_audience": "members"}
    )
    authors = []
    for n in range(20):
        user, _ = User.objects.get_or_create(
            email=f"bench{n}@bench.example",
            defaults={"display_name": f"Bench Member {n}", "handle": f"bench{n}"},
        )
        authors.append(user)
    reader = authors[0]
    if Thread.objects.filter(category=category).count() < threads:
        started = time.perf_counter()
        body = (
            "A **realistic** reply about campaigning, with a [link](https://example.org) "
            "and a list:\n\n- one\n- two\n\n> a quote\n\nThanks @bench1!"
        )
        html = render_markdown(body, mentions={"bench1": "/en/forums/members/bench1/"}).html
        now = timezone.now()
        with transaction.atomic():
            made = Thread.objects.bulk_create(
                Thread(
                    category=category,
                    title=f"Benchmark thread {n}",
                    slug=f"benchmark-thread-{n}",
                    author=authors[n % 20],
                    last_activity_at=now,
                    last_number=posts,
                    reply_count=posts - 1,
                    participant_count=20,
                )
                for n in range(threads)
            )
            made = list(Thread.objects.filter(category=category))
            for t in made:
                Post.objects.bulk_create(
                    (
                        Post(
                            thread=t,
                            number=i,
                            author=authors[i % 20],
                            body=body,
                            body_html=html,
                            plain_text="A realistic reply about campaigning",
                        )
                        for i in range(1, posts + 1)
                    ),
                    batch_size=1000,
                )
                Participant.objects.bulk_create(
                    Participant(thread=t, user=a, post_count=posts // 20) for a in authors
                )
            Category.objects.filter(pk=category.pk).update(
                thread_count=threads, post_count=threads * posts
            )
        print(f"built {threads * posts} posts in {time.perf_counter() - started:.0f} s")
    category.refresh_from_db()
    thread = Thread.objects.filter(category=category).order_by("pk").first()
    return category, thread, reader


if __name__ == "__main__":
    main()
