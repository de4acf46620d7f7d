"""Reads of members, parties and regions for pages, JSON and other apps. Every member read goes
through ``network.privacy``: callers get only what the viewer may see."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from network import directory_store, privacy
from network.directory_index import DirectoryQuery
from network.filters import (
    MENTORING_CHOICES,
    ROLE_CHOICES,
    SORT_CHOICES,
    DirectoryFilter,
    PartyFilter,
)
from network.models import DirectoryEntry, MemberProfile, Party, Region, Topic, User
from network.permissions import can_view_member  # noqa: F401  (re-exported for other apps)
from network.privacy import visible_profile_fields  # noqa: F401  (re-exported)
from network.search import fts5_count, query_terms

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# The total is counted up to this many matches; beyond it the page says "1,000+". Counting every
# row of a broad query is what makes naive directories slow (see docs/network.md).
COUNT_CAP = 1000


def profile_url(member: User) -> str:
    """The member's profile page, or "" for members without one (no handle, deleted)."""
    if not member.handle or not member.is_active:
        return ""
    if "/" in member.handle:
        return reverse("network:profile", kwargs={"handle": member.handle})
    # A directory page builds 20 of these: the pattern is resolved once per language, and the
    # handle quoted as reverse() would (unicode handles: "ana_fernández5").
    return _profile_url_template(get_language(), get_script_prefix()).replace(
        "__handle__", quote(member.handle, safe=RFC3986_SUBDELIMS + "~:@")
    )


@functools.lru_cache(maxsize=16)
def _profile_url_template(language: str | None, script_prefix: str) -> str:
    return reverse("network:profile", kwargs={"handle": "__handle__"})


@functools.lru_cache(maxsize=8)
def _role_labels(language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in User.Role.choices}


def visible_members(viewer: Any) -> QuerySet[User]:
    """Members ``viewer`` may find in the directory."""
    return User.objects.filter(privacy.listable_q(viewer))


def get_visible_member(*, viewer: Any, handle: str) -> User:
    """The member with this handle if ``viewer`` may open their profile; 404 otherwise, so a
    hidden member is indistinguishable from one that does not exist."""
    member = (
        User.objects.select_related("profile", "country__region", "party")
        .filter(handle=handle, is_active=True)
        .first()
    )
    if member is None or not privacy.can_view_member(viewer, member):
        raise Http404
    return member


def _links(profile: MemberProfile) -> list[str]:
    lines = [profile.website, *profile.social_links.splitlines()]
    return [line.strip() for line in lines if line.strip().startswith(("https://", "http://"))]


def member_data(
    viewer: Any,
    member: User,
    *,
    as_tier: int | None = None,
    listed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What ``viewer`` may see of ``member`` (who must be viewable), as plain data.

    The single serialiser behind profile pages, directory cards, previews and JSON: sensitive
    keys are present only when their audience allows. ``listed`` is ``listed_data(member)``
    when the caller keeps it (the in-memory directory's cards).
    """
    data = dict(listed if listed is not None else listed_data(member))
    profile = member.profile
    visible = privacy.visible_profile_fields(viewer, member, as_tier=as_tier)
    if "location" in visible and member.country is not None:
        data["country"] = {"name": member.country.name, "iso2": member.country.iso2}
        data["region"] = {"name": member.country.region.name, "code": member.country.region.code}
    if "city" in visible:
        data["city"] = profile.city
    if "photo" in visible:
        data["photo"] = profile.photo.url if profile.photo else ""
    if "bio" in visible:
        data["bio"] = profile.bio
    if "links" in visible:
        data["links"] = _links(profile)
    if "email" in visible:
        data["email"] = member.email
    return data


def listed_data(member: User) -> dict[str, Any]:
    """What everyone who may open ``member``'s profile sees, in the active language: no field
    with its own audience. ``member_data`` adds those per viewer; callers that keep this dict
    (per member and language) must treat it, and the dicts inside it, as read-only."""
    profile = member.profile
    data: dict[str, Any] = {
        "handle": member.handle,
        "url": profile_url(member),
        "display_name": member.display_name,
        "role": member.role,
        "role_label": _role_labels(get_language()).get(member.role, member.role),
        "verified": member.is_verified_parliamentarian,
        "headline": profile.headline,
        "party": (
            {"name": member.party.label, "slug": member.party.slug} if member.party else None
        ),
        "organisation": profile.organisation,
        "position": profile.position,
        "open_to_mentor": profile.open_to_mentor,
        "open_to_mentee": profile.open_to_mentee,
    }
    if member.role == User.Role.PARLIAMENTARIAN:
        data["parliament"] = {
            "parliament": profile.parliament,
            "chamber": profile.chamber,
            "constituency": profile.constituency,
            "term_start": profile.term_start,
            "term_end": profile.term_end,
            "committees": [c.strip() for c in profile.committees.splitlines() if c.strip()],
        }
    return data


def member_detail(viewer: Any, member: User, *, as_tier: int | None = None) -> dict[str, Any]:
    """``member_data`` plus topics and languages (two queries) for the profile page and JSON."""
    data = member_data(viewer, member, as_tier=as_tier)
    profile = member.profile
    data["languages"] = [{"code": lang.code, "name": lang.name} for lang in profile.languages.all()]
    data["expertise"] = [{"slug": t.slug, "name": t.label} for t in profile.expertise.all()]
    data["interests"] = [{"slug": t.slug, "name": t.label} for t in profile.interests.all()]
    return data


@dataclass
class DirectoryPage:
    members: list[dict[str, Any]]
    count: int
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    sort: str
    query: str = ""
    errors: dict[str, Any] = field(default_factory=dict)
    # The filter form, built when the page renders it (the JSON and the results fragment
    # never do): a lookup from the in-memory directory does not need django-filter at all.
    filterset_factory: Callable[[], DirectoryFilter] | None = field(default=None, repr=False)
    _filterset: DirectoryFilter | None = field(default=None, repr=False)

    @property
    def filterset(self) -> DirectoryFilter:
        if self._filterset is None:
            assert self.filterset_factory is not None
            self._filterset = self.filterset_factory()
        return self._filterset

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.members else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.members) - 1 if self.members else 0


def _ordering(
    queryset: QuerySet[DirectoryEntry], *, sort: str, terms: list[str]
) -> QuerySet[DirectoryEntry]:
    if sort == "newest":
        return queryset.order_by("-joined", "user_id")
    if sort == "relevance" and terms:
        # Relevance = the name matches first, then by name. Cheap on both databases: ts_rank
        # over every match of a common word ("partido": 6,700 members) cost 60 ms on
        # PostgreSQL here, more than everything else on the page. The rank reads only the
        # name, which anyone who may list the member sees, so it cannot betray a hidden bio.
        name_hit = Case(
            When(sort_name__startswith=terms[0], then=Value(0)),
            When(sort_name__contains=f" {terms[0]}", then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return queryset.annotate(rank=name_hit).order_by("rank", "sort_name", "user_id")
    return queryset.order_by("sort_name", "user_id")


def search_directory(
    *,
    viewer: Any,
    filters: Mapping[str, Any] | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> DirectoryPage:
    """One page of the directory as ``viewer`` may see it, with the (capped) total.

    ``filters`` takes the directory's GET parameters (q, role, region, country, party, topic,
    language, mentoring, verified, sort). Runs a fixed number of queries whatever the page size:
    count, page, languages, topics.
    """
    page = max(1, int(page))
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    filters = filters or {}
    store = directory_store.current()
    if store is not None:
        query = _memory_query(store, viewer, filters, page=page, page_size=page_size)
        if query is not None:
            return _search_in_memory(store, viewer, filters, query, page, page_size)
    return _search_database(viewer, filters, page, page_size)


def _filterset_factory(viewer: Any, filters: Mapping[str, Any]) -> Callable[[], DirectoryFilter]:
    def build() -> DirectoryFilter:
        entries = DirectoryEntry.objects.filter(privacy.listable_entries_q(viewer))
        return DirectoryFilter(filters, queryset=entries, viewer=viewer)

    return build


_ROLES = frozenset(str(value) for value, _label in ROLE_CHOICES)
_MENTORING = frozenset(value for value, _label in MENTORING_CHOICES)
_SORTS = frozenset(value for value, _label in SORT_CHOICES)


def _memory_query(
    store: directory_store.DirectoryStore,
    viewer: Any,
    filters: Mapping[str, Any],
    *,
    page: int,
    page_size: int,
) -> tuple[DirectoryQuery, str] | None:
    """The filters as an in-memory query, read as the filter form would read them; None for
    anything the form might reject or read differently (the SQL path then answers, with the
    form's own error messages)."""
    values: dict[str, str] = {}
    for name in ("q", "role", "region", "country", "party", "topic", "language", "mentoring"):
        value = filters.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or "\x00" in value:
            return None
        values[name] = value
    references = store.references
    ids: dict[str, int | None] = {}
    for name, known in (
        ("region", references.regions),
        ("country", references.countries),
        ("party", references.parties),
        ("topic", references.topics),
        ("language", references.languages),
    ):
        if name in values and values[name] not in known:
            return None
        ids[name] = known[values[name]] if name in values else None
    role = values.get("role")
    mentoring = values.get("mentoring")
    sort = filters.get("sort") or None
    if (
        (role is not None and role not in _ROLES)
        or (mentoring is not None and mentoring not in _MENTORING)
        or (sort is not None and (not isinstance(sort, str) or sort not in _SORTS))
    ):
        return None
    verified = filters.get("verified")
    if isinstance(verified, str):  # CheckboxInput's reading: "true"/"false" named, else truthy
        verified = {"true": True, "false": False}.get(verified.lower(), verified)
    text = values.get("q", "").strip()
    terms = query_terms(text)
    return (
        DirectoryQuery(
            tier=privacy.viewer_tier(viewer),
            terms=tuple(terms),
            role=role,
            region_id=ids["region"],
            country_id=ids["country"],
            party_id=ids["party"],
            topic_id=ids["topic"],
            language_id=ids["language"],
            verified=bool(verified),
            open_to_mentor=mentoring == "mentor",
            open_to_mentee=mentoring == "mentee",
            sort=sort or ("relevance" if terms else "name"),
            offset=(page - 1) * page_size,
            limit=page_size,
            count_cap=COUNT_CAP,
        ),
        text,
    )


def _search_in_memory(
    store: directory_store.DirectoryStore,
    viewer: Any,
    filters: Mapping[str, Any],
    parsed: tuple[DirectoryQuery, str],
    page: int,
    page_size: int,
) -> DirectoryPage:
    query, text = parsed
    result = store.search(query)
    return DirectoryPage(
        members=_card_data(viewer, result.user_ids, store.cards_for(result.user_ids)),
        count=result.count,
        count_capped=result.capped,
        page=page,
        page_size=page_size,
        has_next=result.has_next,
        sort=result.sort,
        query=text,
        filterset_factory=_filterset_factory(viewer, filters),
    )


def _card_data(
    viewer: Any, user_ids: list[int], cards: Mapping[int, directory_store.Card]
) -> list[dict[str, Any]]:
    """What ``viewer`` may see of each card, in the page's order: the part everyone who may
    list the member sees is kept on the card per language, the viewer's share added here."""
    key = (get_language() or "en", get_script_prefix())
    members = []
    for pk in user_ids:
        card = cards.get(pk)
        if card is None or not card.member.is_active:
            continue  # left between the lookup and the card read
        listed = card.listed.get(key)
        if listed is None:
            listed = card.listed[key] = _listed_card(card)
        members.append(member_data(viewer, card.member, listed=listed))
    return members


def _listed_card(card: directory_store.Card) -> dict[str, Any]:
    """``listed_data`` plus the card's topics and languages, in the active language."""
    data = listed_data(card.member)
    column = Topic.name_field()
    data["expertise"] = [
        {"slug": slug, "name": names.get(column) or names["name"]} for slug, names in card.topics
    ]
    data["languages"] = [{"code": code, "name": name} for code, name in card.languages]
    return data


def _search_database(
    viewer: Any, filters: Mapping[str, Any], page: int, page_size: int
) -> DirectoryPage:
    """The SQL path: the reference the in-memory directory is tested against, and the answer
    while this process builds or updates its copy."""
    entries = DirectoryEntry.objects.filter(privacy.listable_entries_q(viewer))
    filterset = DirectoryFilter(filters, queryset=entries, viewer=viewer)
    queryset = filterset.qs if filterset.is_valid() else entries.none()
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    query = cleaned.get("q") or ""
    terms = query_terms(query)
    sort = cleaned.get("sort") or ("relevance" if terms else "name")

    # The count stops at COUNT_CAP + 1 rows: bounded work however broad the filters are.
    expression = filterset.fts5_expression if filterset.is_valid() else ""
    if expression:
        # SQLite: the FTS5 expression is the whole query (listing rule included).
        count = fts5_count(expression, limit=COUNT_CAP + 1)
    else:
        count = queryset.values("pk")[: COUNT_CAP + 1].count()
    capped = count > COUNT_CAP
    if expression and capped:
        # Broad: walk the sort index and stop at the page rather than sort every match.
        queryset = entries.filter(search_tags__fts5=(expression, True))
    if capped and sort == "relevance":
        # Ranking needs every match; past the cap that is the slow part of a broad search
        # (a party-name word matches thousands), so broad searches list by name, walking the
        # name index and stopping at the page. Narrow searches (<= COUNT_CAP) are ranked.
        sort = "name"
    offset = (page - 1) * page_size
    # The page is chosen on the narrow directory table; then the 20 members are loaded by id.
    ids = list(
        _ordering(queryset, sort=sort, terms=terms).values_list("user_id", flat=True)[
            offset : offset + page_size + 1
        ]
    )
    has_next = len(ids) > page_size
    ids = ids[:page_size]
    return DirectoryPage(
        members=_card_data(viewer, ids, directory_store.load_cards(ids)),
        count=min(count, COUNT_CAP),
        count_capped=capped,
        page=page,
        page_size=page_size,
        has_next=has_next,
        sort=sort,
        query=query,
        errors=dict(filterset.errors) if not filterset.is_valid() else {},
        _filterset=filterset,
    )


def count_label(page: DirectoryPage) -> str:
    if page.count_capped:
        return _("More than %(count)s members found") % {"count": f"{page.count:,}"}
    if page.count == 1:
        return _("1 member found")
    return _("%(count)s members found") % {"count": f"{page.count:,}"}


def members_by_region_counts(*, viewer: Any = None) -> list[dict[str, Any]]:
    """Members listed to ``viewer`` (anonymous by default: the public figures) per region."""
    tier = privacy.viewer_tier(viewer)
    counts = dict(
        DirectoryEntry.objects.filter(listed_to__lte=tier)
        .order_by()
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    return [
        {
            "region": region,
            "code": region.code,
            "name": region.name,
            "count": counts.get(region.pk, 0),
        }
        for region in Region.objects.all()
    ]


# --- Parties ------------------------------------------------------------------------------------


@dataclass
class PartyListing:
    filterset: PartyFilter
    parties: list[Party]


def list_parties(*, viewer: Any, filters: Mapping[str, Any] | None = None) -> PartyListing:
    """Parties (filtered by region/country), each with ``visible_members``: how many members
    ``viewer`` may find in it. Two queries."""
    filterset = PartyFilter(
        filters or {},
        queryset=Party.objects.select_related("country__region").order_by(
            "country__region__order", "name"
        ),
    )
    counts = dict(
        DirectoryEntry.objects.filter(privacy.listable_entries_q(viewer), party__isnull=False)
        .order_by()
        .values_list("party_id")
        .annotate(n=Count("pk"))
        .values_list("party_id", "n")
    )
    parties = list(filterset.qs)
    for party in parties:
        party.visible_members = counts.get(party.pk, 0)  # type: ignore[attr-defined]
    return PartyListing(filterset=filterset, parties=parties)


def get_party(*, slug: str) -> Party:
    party = Party.objects.select_related("country__region").filter(slug=slug).first()
    if party is None:
        raise Http404
    return party


# --- Staff exports ------------------------------------------------------------------------------

CSV_COLUMNS = [
    "display_name",
    "handle",
    "role",
    "verified",
    "party",
    "country",
    "region",
    "city",
    "email",
    "links",
    "headline",
    "open_to_mentor",
    "open_to_mentee",
    "date_joined",
]


def members_csv_rows(*, viewer: Any) -> Iterator[list[str]]:
    """Rows of the staff CSV export: the members and fields ``viewer`` may see, nothing more."""
    yield CSV_COLUMNS
    queryset = (
        visible_members(viewer)
        .select_related("profile", "country__region", "party")
        .defer("password")
        .order_by("display_name", "id")
    )
    for member in queryset.iterator(chunk_size=2000):
        data = member_data(viewer, member)
        yield [
            data["display_name"],
            data["handle"] or "",
            data["role"],
            "yes" if data["verified"] else "",
            data["party"]["name"] if data["party"] else "",
            data.get("country", {}).get("iso2", ""),
            data.get("region", {}).get("name", ""),
            data.get("city", ""),
            data.get("email", ""),
            " ".join(data.get("links", [])),
            data["headline"],
            "yes" if data["open_to_mentor"] else "",
            "yes" if data["open_to_mentee"] else "",
            member.date_joined.date().isoformat(),
        ]


def verification_queue() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, parliamentarian_status=User.ParliamentarianStatus.CLAIMED
        )
        .select_related("party", "country", "profile")
        .order_by("date_joined")
    )
