"""The directory's filters (django-filter) over ``DirectoryEntry``. The base queryset is already
limited to the members the viewer may find (``privacy.listable_entries_q``); search adds
``privacy.search_q``. No filter here
touches a field that has its own audience, so a filter cannot reveal a hidden value."""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django import forms
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from network import indexing, privacy
from network.models import (
    Country,
    DirectoryEntry,
    Language,
    Party,
    Region,
    Topic,
    User,
)
from network.search import fts5_tokens, fts5_words, query_terms
from network.widgets import FastSelect

Entries = QuerySet[DirectoryEntry]

ROLE_CHOICES = [
    (User.Role.YOUNG_LEADER, _("Young leaders")),
    (User.Role.PARLIAMENTARIAN, _("Parliamentarians")),
    (User.Role.PARTY_STAFF, _("Party staff")),
    (User.Role.ALLIANCE_STAFF, _("Alliance staff")),
]
MENTORING_CHOICES = [
    ("mentor", _("Offers mentoring")),
    ("mentee", _("Looking for a mentor")),
]
SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("name", _("Name")),
    ("newest", _("Newest members")),
]


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=ROLE_CHOICES, empty_label=_("Any role"), widget=FastSelect
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label=_("Any region"),
        widget=FastSelect,
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="iso2",
        empty_label=_("Any country"),
        widget=FastSelect,
    )
    party = django_filters.ModelChoiceFilter(
        label=_("Party"),
        queryset=Party.objects.all(),
        to_field_name="slug",
        empty_label=_("Any party"),
        widget=FastSelect,
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_topic",
        empty_label=_("Any topic"),
        widget=FastSelect,
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        queryset=Language.objects.all(),
        to_field_name="code",
        method="filter_language",
        empty_label=_("Any language"),
        widget=FastSelect,
    )
    mentoring = django_filters.ChoiceFilter(
        label=_("Mentoring"),
        choices=MENTORING_CHOICES,
        method="filter_mentoring",
        empty_label=_("Either"),
        widget=FastSelect,
    )
    verified = django_filters.BooleanFilter(
        label=_("Verified parliamentarians only"),
        method="filter_verified",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_noop",
        empty_label=None,
        widget=FastSelect,
    )

    class Meta:
        model = DirectoryEntry
        fields: list[str] = []

    def __init__(
        self,
        data: Any = None,
        queryset: Any = None,
        *,
        request: Any = None,
        prefix: str | None = None,
        viewer: Any = None,
    ) -> None:
        # django-filter deep-copies every declared filter (querysets, lazy labels) for each
        # request; these carry no per-request state, so a shallow copy each will do.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # re-binds its FilterMethod to this copy
        self.viewer = viewer
        self._tags: list[str] = []
        self.fts5_expression = ""  # SQLite: the query as one FTS5 expression, once filtered

    def get_form_class(self) -> type[forms.Form]:
        # Built once per process: the form's fields do not depend on the request (a form
        # instance deep-copies its class's fields anyway).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_queryset(self, queryset: Entries) -> Entries:
        self._tags = []
        self.fts5_expression = ""
        if connection.vendor == "sqlite":
            return self._filter_with_fts5(queryset)
        queryset = super().filter_queryset(queryset)
        if self._tags:
            queryset = queryset.filter(search_tags__matches=self._tags)
        return queryset

    def _filter_with_fts5(self, queryset: Entries) -> Entries:
        """SQLite: the whole query as one FTS5 expression over words and exact tokens
        (``network.indexing`` writes a token per filterable value). FTS5 intersects the posting
        lists; separate ``IN (...)`` subqueries per condition each materialised thousands of
        rows and then probed the directory row by row."""
        data = self.form.cleaned_data
        mentoring = data.get("mentoring") or ""
        tokens = indexing.filter_tokens(
            role=data.get("role") or None,
            region_id=_pk(data.get("region")),
            country_id=_pk(data.get("country")),
            party_id=_pk(data.get("party")),
            verified=bool(data.get("verified")),
            open_to_mentor=mentoring == "mentor",
            open_to_mentee=mentoring == "mentee",
        )
        if data.get("topic") is not None:
            tokens.append(indexing.topic_tag(data["topic"].pk))
        if data.get("language") is not None:
            tokens.append(indexing.language_tag(data["language"].pk))
        terms = query_terms(data.get("q") or "")
        if not tokens and not terms:
            return queryset
        clauses = []
        if terms:
            # Words match the name, headline, party... and only the bios this viewer may read.
            audiences = privacy.searchable_bio_audiences(self.viewer)
            clauses.append(fts5_words(["base", *(f"bio{a}" for a in audiences)], terms))
        tier = privacy.viewer_tier(self.viewer)
        clauses.append(fts5_tokens([indexing.viewer_tag(tier), *tokens]))
        self.fts5_expression = " AND ".join(clauses)
        return queryset.filter(search_tags__fts5=(self.fts5_expression, False))

    def filter_search(self, queryset: Entries, name: str, value: str) -> Entries:
        terms = query_terms(value)
        if not terms:
            return queryset
        return queryset.filter(privacy.search_q(self.viewer, terms))

    def filter_topic(self, queryset: Entries, name: str, value: Topic) -> Entries:
        # Topics (expertise or interest) and languages are exact-match tags on the directory
        # row, matched together in one full-text index lookup (see filter_queryset).
        self._tags.append(indexing.topic_tag(value.pk))
        return queryset

    def filter_language(self, queryset: Entries, name: str, value: Language) -> Entries:
        self._tags.append(indexing.language_tag(value.pk))
        return queryset

    def filter_mentoring(self, queryset: Entries, name: str, value: str) -> Entries:
        if value == "mentor":
            return queryset.filter(open_to_mentor=True)
        if value == "mentee":
            return queryset.filter(open_to_mentee=True)
        return queryset

    def filter_verified(self, queryset: Entries, name: str, value: bool) -> Entries:
        if not value:
            return queryset
        return queryset.filter(verified=True)

    def filter_noop(self, queryset: Entries, name: str, value: Any) -> Entries:
        return queryset  # sorting is applied by selectors.search_directory


def _pk(instance: Any) -> int | None:
    return instance.pk if instance is not None else None


class PartyFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        field_name="country__region",
        to_field_name="code",
        empty_label=_("Any region"),
        widget=FastSelect,
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="iso2",
        empty_label=_("Any country"),
        widget=FastSelect,
    )

    class Meta:
        model = Party
        fields: list[str] = []
