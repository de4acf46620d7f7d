from __future__ import annotations

from typing import Any

import factory

from forums.models import Audience, Category


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Where the network compares notes."
    read_audience = Audience.MEMBERS
    post_audience = Audience.MEMBERS


def make_thread(
    *,
    author: Any,
    category: Category,
    title: str = "A thread about organising",
    body: str = "First post",
    replies: list[tuple[Any, str]] | None = None,
) -> Any:
    """A thread created through the real services (rate limits off)."""
    from forums import services

    thread = services.create_thread(
        author=author, category=category, title=title, body=body, enforce_limits=False
    )
    for user, text in replies or []:
        services.create_post(author=user, thread=thread, body=text, enforce_limits=False)
    thread.refresh_from_db()
    return thread
