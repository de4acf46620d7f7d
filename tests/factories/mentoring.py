"""Factories for mentoring: offers and requests that share a language unless told otherwise."""

from __future__ import annotations

from typing import Any

from mentoring.models import Format, MenteeRequest, MentorOffer
from network.models import Language, MemberProfile, Topic
from tests.factories.network import UserFactory


def language(code: str) -> Language:
    names = {"en": "English", "fr": "French", "es": "Spanish", "pt": "Portuguese", "sw": "Swahili"}
    return Language.objects.get_or_create(code=code, defaults={"name": names.get(code, code)})[0]


def topic(slug: str) -> Topic:
    return Topic.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").capitalize()}
    )[0]


def make_offer(
    mentor: Any = None,
    *,
    capacity: int = 2,
    languages: tuple[str, ...] = ("en",),
    topics: tuple[str, ...] = ("climate",),
    formats: tuple[str, ...] = (Format.VIDEO,),
    years: int = 6,
    **extra: Any,
) -> MentorOffer:
    mentor = mentor or UserFactory(parliamentarian=True)
    MemberProfile.objects.update_or_create(user=mentor, defaults={"years_in_office": years})
    offer = MentorOffer.objects.create(
        mentor=mentor, capacity=capacity, formats=list(formats), **extra
    )
    offer.languages.set([language(c) for c in languages])
    offer.topics.set([topic(s) for s in topics])
    return offer


def make_mentee_request(
    mentee: Any = None,
    *,
    languages: tuple[str, ...] = ("en",),
    topics: tuple[str, ...] = ("climate",),
    formats: tuple[str, ...] = (Format.VIDEO,),
    gender: str = MemberProfile.Gender.UNDISCLOSED,
    **extra: Any,
) -> MenteeRequest:
    mentee = mentee or UserFactory()
    MemberProfile.objects.update_or_create(user=mentee, defaults={"gender": gender})
    request = MenteeRequest.objects.create(
        mentee=mentee, goals="Learn to run a campaign.", formats=list(formats), **extra
    )
    request.languages.set([language(c) for c in languages])
    request.topics.set([topic(s) for s in topics])
    return request
