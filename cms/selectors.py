"""Reads for the published site. Every listing here shows only live, public pages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, NamedTuple

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import FieldError
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.cache import PAGE_TTL, remember, structure_key, versioned_key

logger = logging.getLogger(__name__)

# Renditions used by listings; prefetched so a list of N items costs one rendition query.
LIST_RENDITION = "fill-640x360"
FIGURES_KEY = "cms:network-figures"
FIGURES_TTL = 300
TOPICS_KEY = "cms:topics"


class TranslationLinks(NamedTuple):
    # Language code -> URL of this page, or of its nearest translated ancestor (for the switcher).
    switcher: dict[str, str]
    # Language code -> URL of an exact translation of this page (for hreflang alternates).
    alternates: dict[str, str]


def lazy_list(fetch: Callable[[], Iterable[Any]]) -> Any:
    """A list fetched the first time a template uses it: pages put what only their cached
    fragments show behind this, so a fragment hit costs no query."""
    return SimpleLazyObject(lambda: list(fetch()))


class _AccessPaths(NamedTuple):
    restricted: list[str]  # paths of pages carrying a view restriction
    aliases: list[str]  # paths of alias pages (they take their source page's restrictions)


def _access_paths() -> _AccessPaths:
    def fetch() -> _AccessPaths:
        rows = (
            Page.objects.filter(Q(alias_of__isnull=False) | Q(view_restrictions__isnull=False))
            .values_list("path", "alias_of_id", "view_restrictions")
            .distinct()
        )
        paths = _AccessPaths(restricted=[], aliases=[])
        for path, alias_of_id, restriction_id in rows:
            if restriction_id is not None:
                paths.restricted.append(path)
            if alias_of_id is not None:
                paths.aliases.append(path)
        return paths

    return remember(access_paths_key(), fetch)


def access_paths_key() -> str:
    return structure_key("access-paths")


def _restricted_paths() -> list[str]:
    return _access_paths().restricted


def may_be_restricted(*, page: Page) -> bool:
    """False when no view restriction can apply to ``page``, decided without a query.

    True when the page or an ancestor carries a restriction, or when the page or an ancestor is
    an alias (Wagtail then checks the alias's source): the caller asks Wagtail in those cases.
    The lists are cached against the structure version (``cms.cache``), which restriction
    changes, moves, deletions and the creation of any page (aliases included) bump.
    """
    paths = _access_paths()
    return any(page.path.startswith(p) for p in paths.restricted) or any(
        page.path.startswith(p) for p in paths.aliases
    )


def public(queryset: QuerySet) -> QuerySet:
    """Live pages outside every view-restricted subtree (Wagtail's ``.public()``, cached).

    Private pages must never reach listings, feeds, sitemaps or search; the restricted paths
    are cached against the structure version, which any restriction change bumps.
    """
    queryset = queryset.filter(live=True)
    private = Q()
    for path in _restricted_paths():
        private |= Q(path__startswith=path)
    return queryset.exclude(private) if private else queryset


def _with_list_images(queryset: QuerySet) -> QuerySet:
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=LIST_RENDITION)
    return queryset.select_related("featured_image").prefetch_related(
        Prefetch("featured_image__renditions", queryset=renditions)
    )


def translation_links(*, page: Page, request: HttpRequest) -> TranslationLinks:
    """URLs of ``page`` in each language, falling back to its nearest translated ancestor.

    One query (the page, its ancestors and all their live translations), cached per page.
    """
    key = translation_links_key(page=page, request=request)
    return remember(key, lambda: _translation_links(page=page, request=request))


def translation_links_key(*, page: Page, request: HttpRequest) -> str:
    return versioned_key("translations", page.pk, request.get_host())


def _translation_links(*, page: Page, request: HttpRequest) -> TranslationLinks:
    steplen = Page.steplen
    # depth >= 2: the tree root is never a page in any language.
    paths = [page.path[:end] for end in range(2 * steplen, len(page.path) + 1, steplen)]
    rows = (
        Page.objects.filter(
            translation_key__in=Page.objects.filter(path__in=paths).values("translation_key"),
            live=True,
        )
        .select_related("locale")
        .only("id", "path", "url_path", "depth", "translation_key", "locale__language_code")
    )
    nearest: dict[str, tuple[int, str]] = {}
    alternates: dict[str, str] = {}
    for row in rows:
        url = row.get_url(request)
        if not url:
            continue
        code = row.locale.language_code
        if row.translation_key == page.translation_key:
            alternates[code] = url
        if code not in nearest or row.depth > nearest[code][0]:
            nearest[code] = (row.depth, url)
    return TranslationLinks(
        switcher={code: url for code, (_depth, url) in nearest.items()}, alternates=alternates
    )


def news_topics() -> list[Any]:
    """The shared topic taxonomy (changes rarely: cached for a few minutes)."""
    topics = cache.get(TOPICS_KEY)
    if topics is None:
        from network.models import Topic

        topics = list(Topic.objects.all())
        cache.set(TOPICS_KEY, topics, PAGE_TTL)
    return topics


def news_listing(*, index: Page, topic: Any = None) -> QuerySet:
    from cms.models import NewsPage

    queryset = public(NewsPage.objects.child_of(index))
    if topic is not None:
        queryset = queryset.filter(topics=topic)
    return (
        _with_list_images(queryset)
        .prefetch_related("topics")
        .defer_streamfields()
        .order_by("-date", "-pk")
    )


def news_listing_page(
    *, index: Page, topic: Any = None, number: Any = None, per_page: int
) -> PaginatorPage:
    """Page ``number`` of the index's listing (the first or last one when out of range).

    Only the count is read up front, from the cache; the page's items are a lazy queryset,
    fetched if and when the template iterates them.
    """
    paginator = Paginator(_LazySlices(lambda: news_listing(index=index, topic=topic)), per_page)
    count_key = versioned_key("news-count", index.pk, topic.pk if topic is not None else "")
    # Paginator.count is a cached_property: giving it the cached figure spares the COUNT query.
    paginator.count = remember(count_key, lambda: news_listing(index=index, topic=topic).count())
    return paginator.get_page(number)


class _LazySlices:
    """What a Paginator needs of a queryset (slicing), without building it until a slice is
    used: building a page listing's queryset costs more than a cached fragment hit."""

    def __init__(self, build: Callable[[], QuerySet]) -> None:
        self.build = build

    def __getitem__(self, key: slice) -> Any:
        return lazy_list(lambda: self.build()[key])


def news_for_feed(*, language: str, topic: Any = None, limit: int = 30) -> list[Any]:
    from cms.models import NewsPage

    queryset = public(NewsPage.objects.filter(locale__language_code=language))
    if topic is not None:
        queryset = queryset.filter(topics=topic)
    queryset = queryset.select_related("author").prefetch_related("topics")
    return list(queryset.defer_streamfields().order_by("-date", "-pk")[:limit])


def latest_news(*, locale_id: int, limit: int = 3) -> list[Any]:
    from cms.models import NewsPage

    queryset = public(NewsPage.objects.filter(locale_id=locale_id))
    return list(_with_list_images(queryset).defer_streamfields().order_by("-date", "-pk")[:limit])


def upcoming_events(*, locale_id: int, limit: int = 3) -> list[Any]:
    from cms.models import EventPage

    queryset = public(EventPage.objects.filter(locale_id=locale_id, end__gte=timezone.now()))
    return list(queryset.select_related("country").defer_streamfields().order_by("start")[:limit])


def event_listings(*, index: Page, past_limit: int = 24) -> tuple[list[Any], list[Any]]:
    from cms.models import EventPage

    now = timezone.now()
    queryset = public(EventPage.objects.child_of(index)).select_related("country")
    queryset = queryset.defer_streamfields()
    upcoming = list(queryset.filter(end__gte=now).order_by("start"))
    past = list(queryset.filter(end__lt=now).order_by("-start")[:past_limit])
    return upcoming, past


def calendar_events(*, language: str, limit: int = 200) -> list[Any]:
    """Events of one language for its calendar feed: upcoming first, then the recent past."""
    from cms.models import EventPage

    since = timezone.now() - timedelta(days=365)
    queryset = public(EventPage.objects.filter(locale__language_code=language, end__gte=since))
    return list(queryset.defer_streamfields().order_by("start")[:limit])


def resolution_listing(*, index: Page) -> list[Any]:
    """The index's resolutions; each gets ``adopted_event``: the event in the index's language."""
    from cms.models import EventPage, ResolutionPage

    queryset = public(ResolutionPage.objects.child_of(index))
    resolutions = list(
        queryset.select_related("adopted_at")
        .prefetch_related("sponsoring_parties")
        .defer_streamfields()
        .order_by("-date", "-pk")
    )
    keys = {r.adopted_at.translation_key for r in resolutions if r.adopted_at_id}
    translated = (
        {
            event.translation_key: event
            for event in public(
                EventPage.objects.filter(translation_key__in=keys, locale_id=index.locale_id)
            ).defer_streamfields()
        }
        if keys
        else {}
    )
    for resolution in resolutions:
        event = resolution.adopted_at
        resolution.adopted_event = event and translated.get(event.translation_key, event)
    return resolutions


def in_locale(page: Page | None, *, locale_id: int) -> Page | None:
    """``page`` in the given language if a live, public translation exists, else ``page`` itself
    (when it is live and public), else None. For links from one page to another: editors pick
    a page in one language, visitors of every language should land in theirs."""
    if page is None:
        return None
    candidates = {
        candidate.locale_id: candidate
        for candidate in public(
            type(page).objects.filter(
                translation_key=page.translation_key, locale_id__in={locale_id, page.locale_id}
            )
        )
    }
    return candidates.get(locale_id) or candidates.get(page.locale_id)


def adopted_resolutions(*, event: Page) -> list[Any]:
    """Resolutions adopted at ``event`` (any language's version of it), one per resolution, in
    the event's language when translated, else in the default language."""
    from django.conf import settings

    from cms.models import ResolutionPage

    queryset = public(
        ResolutionPage.objects.filter(adopted_at__translation_key=event.translation_key)
    )
    chosen: dict[Any, Any] = {}
    for resolution in queryset.select_related("locale").defer_streamfields().order_by("title"):
        rank = (
            0
            if resolution.locale_id == event.locale_id
            else 1
            if resolution.locale.language_code == settings.LANGUAGE_CODE
            else 2
        )
        best = chosen.get(resolution.translation_key)
        if best is None or rank < best[0]:
            chosen[resolution.translation_key] = (rank, resolution)
    return [resolution for _rank, resolution in chosen.values()]


def resolution_discussion_url(*, page: Page) -> str:
    """The forum discussion of a resolution (any language's version of it), if one is open.

    Only discussions any visitor or member may read are linked: the page is the same for
    everyone (and cached), and a link leading most readers to a 404 helps nobody.
    """
    try:
        thread_model = apps.get_model("forums", "Thread")
    except LookupError:
        return ""
    thread = (
        thread_model.objects.filter(
            resolution_page__translation_key=page.translation_key,
            is_deleted=False,
            category__read_audience__in=("public", "members"),
        )
        .only("resolution_page_id")
        .first()
    )
    if thread is None:
        return ""
    try:
        return reverse("forums:resolution", args=[thread.resolution_page_id])
    except NoReverseMatch:
        return ""


def related_pages(*, page: Any) -> list[Page]:
    links = page.related_links.all()
    if isinstance(links, QuerySet):
        # Saved links: one query for the links and their pages.
        ids: Any = links.values("related_page_id")
    else:
        # A draft's links, held in memory (previews).
        ids = [link.related_page_id for link in links]
        if not ids:
            return []
    return list(public(Page.objects.filter(pk__in=ids)).only("id", "title", "url_path"))


def news_feed_urls(*, topic: Any = None) -> dict[str, str]:
    if topic is not None:
        return {
            "rss": reverse("cms:topic_news_feed", args=[topic.slug]),
            "atom": reverse("cms:topic_news_atom", args=[topic.slug]),
        }
    return {"rss": reverse("cms:news_feed"), "atom": reverse("cms:news_atom")}


def search_pages(*, query: str, locale_id: int | None = None, language: str | None = None) -> Any:
    """Full-text search over live, public pages (in one language when ``locale_id`` is set).

    ``language`` chooses the stemming of the query on PostgreSQL (see ``cms.search``); it should
    be the language of ``locale_id``.
    """
    from cms.search import backend_for_language

    queryset = public(Page.objects.all())
    if locale_id is not None:
        queryset = queryset.filter(locale_id=locale_id)
    return backend_for_language(language).search(query, queryset)


# --- Live network figures -------------------------------------------------------------------


def _count_model(app_label: str, model_name: str, **filters: Any) -> int:
    """Count rows of another app's model, or 0 while that app has not built it yet."""
    try:
        model = apps.get_model(app_label, model_name)
        return model.objects.filter(**filters).count()
    except (LookupError, FieldError, ValueError) as exc:
        logger.debug("figure unavailable: %s.%s (%s)", app_label, model_name, exc)
        return 0


def _active_mentorships() -> int:
    try:
        from mentoring import selectors as mentoring_selectors  # type: ignore[attr-defined]

        return int(mentoring_selectors.count_active_mentorships())
    except (ImportError, AttributeError, TypeError):
        return _count_model("mentoring", "Mentorship", status="active")


def _discussions_this_week() -> int:
    since = timezone.now() - timedelta(days=7)
    try:
        from forums import selectors as forum_selectors  # type: ignore[attr-defined]

        return int(forum_selectors.count_discussions_since(since=since))
    except (ImportError, AttributeError, TypeError):
        return _count_model("forums", "Thread", created_at__gte=since)


def network_figures() -> dict[str, Any]:
    """Members by region, active mentorships and this week's discussions (cached 5 minutes).

    Mentoring and forums are separate apps that may not exist yet: their figures are 0 then.
    """
    figures = cache.get(FIGURES_KEY)
    if figures is not None:
        return figures
    from network.models import Region, User

    regions = list(
        Region.objects.annotate(
            members=Count(
                "countries__members",
                filter=Q(countries__members__is_active=True),
            )
        )
        .filter(members__gt=0)
        .order_by("-members")
        .values("code", "name", "members")
    )
    figures = {
        "members": User.objects.filter(is_active=True).count(),
        "regions": regions,
        "active_mentorships": _active_mentorships(),
        "discussions_this_week": _discussions_this_week(),
    }
    cache.set(FIGURES_KEY, figures, FIGURES_TTL)
    return figures
