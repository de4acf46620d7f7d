"""The directory's filters (django-filter) over ``DirectoryEntry``. The base queryset is already
limited to the members the viewer may find (``privacy.listable_entries_q``); search adds
``privacy.search_q``. No filter here
touches a field that has its own audience, so a filter cannot reveal a hidden value."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
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
from network.search import query_terms

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
        label=_("Role"), choices=ROLE_CHOICES, empty_label=_("Any role")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label=_("Any region"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="iso2",
        empty_label=_("Any country"),
    )
    party = django_filters.ModelChoiceFilter(
        label=_("Party"),
        queryset=Party.objects.all(),
        to_field_name="slug",
        empty_label=_("Any party"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_topic",
        empty_label=_("Any topic"),
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        queryset=Language.objects.all(),
        to_field_name="code",
        method="filter_language",
        empty_label=_("Any language"),
    )
    mentoring = django_filters.ChoiceFilter(
        label=_("Mentoring"),
        choices=MENTORING_CHOICES,
        method="filter_mentoring",
        empty_label=_("Either"),
    )
    verified = django_filters.BooleanFilter(
        label=_("Verified parliamentarians only"),
        method="filter_verified",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_noop", empty_label=None
    )

    class Meta:
        model = DirectoryEntry
        fields: list[str] = []

    def __init__(self, *args: Any, viewer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self._tags: list[str] = []

    def filter_queryset(self, queryset: Entries) -> Entries:
        self._tags = []
        queryset = super().filter_queryset(queryset)
        if self._tags:
            queryset = queryset.filter(search_tags__matches=self._tags)
        return queryset

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


class PartyFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        field_name="country__region",
        to_field_name="code",
        empty_label=_("Any region"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="iso2",
        empty_label=_("Any country"),
    )

    class Meta:
        model = Party
        fields: list[str] = []
