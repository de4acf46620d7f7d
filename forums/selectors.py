"""Every read in the forums, already filtered by what the viewer may see.

Lists read denormalised counters and fetch related rows with a fixed number of queries, so
the category and thread pages cost the same at 5 or 5,000 posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from forums import permissions
from forums.models import (
    Category,
    CategoryWatch,
    Flag,
    Notification,
    Participant,
    Post,
    Reaction,
    ReadState,
    Thread,
    ThreadWatch,
    WatchLevel,
)
from network.models import User

POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 30
# A thread never opened counts as "new" only if it started this recently.
NEW_WINDOW = timedelta(days=14)


def page_of(number: int) -> int:
    return max(1, (number - 1) // POSTS_PER_PAGE + 1)


def readable_categories(user: Any) -> QuerySet[Category]:
    return Category.objects.filter(permissions.readable_categories_q(user))


def readable_threads(user: Any) -> QuerySet[Thread]:
    qs = Thread.objects.filter(permissions.readable_categories_q(user, "category__"))
    if not permissions.is_moderator(user):
        qs = qs.filter(is_deleted=False)
    return qs


def _with_read_state(qs: QuerySet[Thread], user: Any) -> QuerySet[Thread]:
    if not getattr(user, "is_authenticated", False):
        return qs
    state = ReadState.objects.filter(user=user, thread=OuterRef("pk"))
    return qs.annotate(last_read_number=Subquery(state.values("last_read_number")[:1]))


def _unread_q(user: Any) -> Q:
    """Threads with posts the member has not read: opened-but-behind, or new and never opened."""
    behind = ReadState.objects.filter(
        user=user, thread=OuterRef("pk"), last_read_number__lt=OuterRef("last_number")
    )
    seen = ReadState.objects.filter(user=user, thread=OuterRef("pk"))
    recent = timezone.now() - NEW_WINDOW
    return Q(Exists(behind)) | (Q(created_at__gte=recent) & ~Q(Exists(seen)))


def category_list(user: Any) -> list[Category]:
    """Readable categories with ``unread_count`` for members (one query)."""
    qs = readable_categories(user).select_related("topic", "region")
    if getattr(user, "is_authenticated", False):
        threads = readable_threads(user).filter(category=OuterRef("pk")).filter(_unread_q(user))
        qs = qs.annotate(
            unread_count=Subquery(
                threads.order_by().values("category").annotate(n=Count("pk")).values("n")[:1]
            )
        )
    return list(qs)


def get_category(user: Any, slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        from django.http import Http404

        raise Http404
    permissions.check_read_category(user, category)
    return category


@dataclass
class ThreadListPage:
    threads: list[Thread]
    page: int
    pages: int
    watch_level: str = WatchLevel.NORMAL


def thread_list(user: Any, category: Category, *, page: int = 1) -> ThreadListPage:
    """One page of a category: pinned first, then by last activity. Fixed query count."""
    total = max(category.thread_count, 0)
    pages = max(1, -(-total // THREADS_PER_PAGE))
    page = min(max(page, 1), pages)
    qs = (
        readable_threads(user)
        .filter(category=category, merged_into__isnull=True)
        .select_related("author", "last_post_author")
        .prefetch_related("topics")
        .order_by("-is_pinned", "-last_activity_at", "-pk")
    )
    qs = _with_read_state(qs, user)
    start = (page - 1) * THREADS_PER_PAGE
    threads = list(qs[start : start + THREADS_PER_PAGE])
    _mark_unread(threads, user)
    level = WatchLevel.NORMAL
    if getattr(user, "is_authenticated", False):
        level = (
            CategoryWatch.objects.filter(user=user, category=category)
            .values_list("level", flat=True)
            .first()
            or WatchLevel.NORMAL
        )
    return ThreadListPage(threads=threads, page=page, pages=pages, watch_level=level)


def _mark_unread(threads: list[Thread], user: Any) -> None:
    recent = timezone.now() - NEW_WINDOW
    for thread in threads:
        last_read = getattr(thread, "last_read_number", None)
        thread.is_new = bool(
            getattr(user, "is_authenticated", False)
            and last_read is None
            and thread.created_at >= recent
        )
        thread.unread_posts = max(thread.last_number - last_read, 0) if last_read is not None else 0


def get_thread(user: Any, pk: int) -> Thread:
    from django.http import Http404

    thread = Thread.objects.select_related("category", "author").filter(pk=pk).first()
    if thread is None:
        raise Http404
    permissions.check_read_thread(user, thread)
    return thread


def get_post(user: Any, pk: int) -> Post:
    from django.http import Http404

    post = Post.objects.select_related("thread__category", "author").filter(pk=pk).first()
    if post is None:
        raise Http404
    permissions.check_read_post(user, post)
    return post


@dataclass
class ThreadPage:
    thread: Thread
    posts: list[Post]
    page: int
    pages: int
    participants: list[Participant]
    last_read_number: int = 0
    watch_level: str = WatchLevel.NORMAL
    first_unread: int | None = None
    reactions_by_post: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    my_reactions: set[tuple[int, str]] = field(default_factory=set)


def thread_page(user: Any, thread: Thread, *, page: int = 1) -> ThreadPage:
    """The posts of one page with their authors, reactions (who reacted) and the thread's top
    participants. A fixed number of queries whatever the size of the thread."""
    pages = page_of(max(thread.last_number, 1))
    page = min(max(page, 1), pages)
    low = (page - 1) * POSTS_PER_PAGE + 1
    high = page * POSTS_PER_PAGE
    qs = (
        Post.objects.filter(thread=thread, number__gte=low, number__lte=high)
        .select_related("author")
        .order_by("number")
    )
    if not permissions.is_moderator(user):
        qs = qs.filter(is_deleted=False)
    posts = list(qs)
    ids = [p.pk for p in posts]
    who: dict[int, dict[str, list[str]]] = {}
    mine: set[tuple[int, str]] = set()
    for post_id, kind, user_id, name, email in (
        Reaction.objects.filter(post_id__in=ids)
        .order_by("created_at")
        .values_list("post_id", "kind", "user_id", "user__display_name", "user__email")
    ):
        who.setdefault(post_id, {}).setdefault(kind, []).append(name or email.split("@")[0])
        if getattr(user, "is_authenticated", False) and user_id == user.pk:
            mine.add((post_id, kind))
    participants = list(
        Participant.objects.filter(thread=thread)
        .select_related("user")
        .order_by("-post_count", "pk")[:8]
    )
    result = ThreadPage(
        thread=thread,
        posts=posts,
        page=page,
        pages=pages,
        participants=participants,
        reactions_by_post=who,
        my_reactions=mine,
    )
    if getattr(user, "is_authenticated", False):
        result.last_read_number = (
            ReadState.objects.filter(user=user, thread=thread)
            .values_list("last_read_number", flat=True)
            .first()
            or 0
        )
        result.watch_level = (
            ThreadWatch.objects.filter(user=user, thread=thread)
            .values_list("level", flat=True)
            .first()
            or WatchLevel.NORMAL
        )
    return result


def first_unread_number(user: Any, thread: Thread) -> int:
    """The first post number the member has not read (the last post when all are read)."""
    if not getattr(user, "is_authenticated", False):
        return 1
    last = (
        ReadState.objects.filter(user=user, thread=thread)
        .values_list("last_read_number", flat=True)
        .first()
        or 0
    )
    return min(last + 1, max(thread.last_number, 1))


def post_for_number(user: Any, thread: Thread, number: int) -> Post | None:
    qs = Post.objects.filter(thread=thread, number__gte=number).order_by("number")
    if not permissions.is_moderator(user):
        qs = qs.filter(is_deleted=False)
    return qs.first()


# --- search -------------------------------------------------------------------------------


@dataclass
class SearchFilters:
    q: str = ""
    category: Category | None = None
    author: User | None = None
    topic: Any = None
    since: date | None = None
    until: date | None = None


def search_posts(user: Any, filters: SearchFilters, *, limit: int = 50) -> list[Post]:
    """Visible posts in threads the viewer may read, matching the query and filters.
    PostgreSQL full-text (``simple`` configuration, so EN/FR/ES are treated alike) with
    ranking; a case-insensitive substring match elsewhere (SQLite in development)."""
    qs = Post.objects.filter(
        permissions.readable_categories_q(user, "thread__category__"),
        is_hidden=False,
        is_deleted=False,
        thread__is_deleted=False,
    ).select_related("thread__category", "author")
    if filters.category is not None:
        qs = qs.filter(thread__category=filters.category)
    if filters.author is not None:
        qs = qs.filter(author=filters.author)
    if filters.topic is not None:
        qs = qs.filter(thread__topics=filters.topic)
    if filters.since is not None:
        qs = qs.filter(created_at__date__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(created_at__date__lte=filters.until)
    terms = " ".join(filters.q.split())[:200]
    if not terms:
        return list(qs.order_by("-created_at")[:limit]) if _has_filter(filters) else []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("thread__title", weight="A", config="simple") + SearchVector(
            "plain_text", weight="B", config="simple"
        )
        query = SearchQuery(terms, search_type="websearch", config="simple")
        qs = (
            qs.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at")
        )
    else:
        match = Q()
        for word in terms.split()[:8]:
            match &= Q(plain_text__icontains=word) | Q(thread__title__icontains=word)
        qs = qs.filter(match).order_by("-created_at")
    return list(qs[:limit])


def _has_filter(filters: SearchFilters) -> bool:
    return any(
        v is not None
        for v in (filters.category, filters.author, filters.topic, filters.since, filters.until)
    )


# --- notifications, mentions, members -----------------------------------------------------


def notifications_for(user: Any, *, limit: int = 50) -> list[Notification]:
    """The member's notifications about threads they can still read."""
    return list(
        Notification.objects.filter(recipient=user)
        .filter(permissions.readable_categories_q(user, "thread__category__"))
        .filter(thread__is_deleted=False)
        .select_related("actor", "thread", "post")
        .order_by("-created_at", "-pk")[:limit]
    )


def mention_candidates(
    writer: Any, category: Category, query: str, *, limit: int = 8
) -> list[User]:
    """Members ``writer`` may mention here (who can read ``category``), by handle or name."""
    query = query.strip().lstrip("@")[:40]
    if not query or not getattr(writer, "is_authenticated", False):
        return []
    qs = (
        User.objects.filter(permissions.audience_members_q(category.read_audience))
        .filter(handle__isnull=False)
        .filter(Q(handle__istartswith=query) | Q(display_name__icontains=query))
        .exclude(pk=writer.pk)
        .only("pk", "handle", "display_name", "email")
        .order_by("handle")
    )
    return list(qs[:limit])


def member_by_handle(handle: str) -> User:
    from django.http import Http404

    member = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if member is None:
        raise Http404
    return member


def member_recent_posts(viewer: Any, member: User, *, limit: int = 20) -> list[Post]:
    return list(
        Post.objects.filter(
            permissions.readable_categories_q(viewer, "thread__category__"),
            author=member,
            is_hidden=False,
            is_deleted=False,
            thread__is_deleted=False,
        )
        .select_related("thread")
        .order_by("-created_at")[:limit]
    )


def latest_threads(user: Any, *, category: Category | None = None, limit: int = 30) -> list[Thread]:
    qs = readable_threads(user).filter(merged_into__isnull=True, is_deleted=False)
    if category is not None:
        qs = qs.filter(category=category)
    return list(qs.select_related("author", "category").order_by("-created_at")[:limit])


def moderation_queue() -> list[Post]:
    """Posts with open flags or hidden pending review, most flagged first."""
    return list(
        Post.objects.filter(Q(flags__outcome=Flag.Outcome.OPEN) | Q(pending_review=True))
        .annotate(open_flags=Count("flags", filter=Q(flags__outcome=Flag.Outcome.OPEN)))
        .select_related("author", "thread__category")
        .prefetch_related("flags")
        .distinct()
        .order_by("-open_flags", "-created_at")[:100]
    )


def recent_moderation_actions(limit: int = 50) -> list[Any]:
    from forums.models import ModerationAction

    return list(
        ModerationAction.objects.select_related("actor", "target_user", "thread").order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def readable_topics() -> list[Any]:
    from network.models import Topic

    return list(Topic.objects.all())
