"""Demo mentoring for ``seed_demo``: offers, requests, mentorships, an open cohort round.

Idempotent: every row is looked up by its natural key first. Writes models directly (not
through services) so seeding sends no email. young@ sees mp@ among their suggestions; mp@
has an active mentorship with young2@ with a few messages, goals and a check-in.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from mentoring.models import (
    CheckIn,
    CohortRound,
    Feedback,
    Format,
    Goal,
    MatchingSettings,
    MenteeRequest,
    MentorOffer,
    Mentorship,
    MentorshipRequest,
    Message,
    RegionPreference,
)
from mentoring.services import add_months
from network.models import Language, MemberProfile, Topic, User

FORMATS = [Format.VIDEO, Format.IN_PERSON, Format.MESSAGES]


def _profile(user: User) -> MemberProfile:
    profile, _created = MemberProfile.objects.get_or_create(user=user)
    return profile


def _offer(user: User, rng: random.Random, *, capacity: int, extra_langs=(), extra_topics=()):  # type: ignore[no-untyped-def]
    offer = MentorOffer.objects.filter(mentor=user).first()
    if offer:
        return offer
    profile = _profile(user)
    offer = MentorOffer.objects.create(
        mentor=user,
        capacity=capacity,
        formats=rng.sample(FORMATS, rng.randint(1, 3)),
        about="Happy to share what I learned in campaigns, committees and coalition talks.",
    )
    offer.topics.set({*profile.expertise.all(), *extra_topics} or Topic.objects.all()[:2])
    offer.languages.set({*profile.languages.all(), *extra_langs})
    return offer


def _request(user: User, rng: random.Random, *, extra_langs=(), extra_topics=()):  # type: ignore[no-untyped-def]
    request = MenteeRequest.objects.filter(mentee=user).first()
    if request:
        return request
    profile = _profile(user)
    request = MenteeRequest.objects.create(
        mentee=user,
        goals="Build a stronger youth wing and learn how to run a first campaign.",
        formats=rng.sample(FORMATS, rng.randint(0, 2)),
        region_preference=rng.choice(
            [RegionPreference.ANY] * 3 + [RegionPreference.SAME, RegionPreference.DIFFERENT]
        ),
        duration_months=rng.choice([3, 6, 6, 12]),
    )
    request.topics.set({*profile.interests.all(), *extra_topics} or Topic.objects.all()[:2])
    request.languages.set({*profile.languages.all(), *extra_langs})
    return request


def _mentorship(offer: MentorOffer, mentee: User, *, status: str, days_ago: int, **extra):  # type: ignore[no-untyped-def]
    existing = Mentorship.objects.filter(mentor=offer.mentor, mentee=mentee).first()
    if existing:
        return existing, False
    started = timezone.now() - timedelta(days=days_ago)
    ends_on = add_months(started.date(), 6)
    return (
        Mentorship.objects.create(
            mentor=offer.mentor,
            mentee=mentee,
            offer=offer,
            status=status,
            score=extra.pop("score", 72.0),
            reasons=extra.pop("reasons", []),
            mentor_confirmed=True,
            mentee_confirmed=True,
            started_at=started,
            ends_on=ends_on,
            **extra,
        ),
        True,
    )


@transaction.atomic
def seed(*, scale: int = 1, stdout: TextIO | None = None) -> None:
    rng = random.Random(55)
    MatchingSettings.load()
    english = Language.objects.filter(code="en").first()
    spanish = Language.objects.filter(code="es").first()
    langs = [lang for lang in (english, spanish) if lang]
    topics = list(Topic.objects.all())
    young = User.objects.filter(email="young@alliance.example").first()
    young2 = User.objects.filter(email="young2@alliance.example").first()
    mp = User.objects.filter(email="mp@alliance.example").first()
    mp2 = User.objects.filter(email="mp2@alliance.example").first()
    if not (young and young2 and mp and mp2 and topics):
        return
    young_topics = list(_profile(young).interests.all()) or topics[:3]

    # mp@ speaks English and Spanish and works on young@'s topics: a strong, explainable match.
    mp_offer = _offer(mp, rng, capacity=3, extra_langs=langs, extra_topics=young_topics)
    _offer(mp2, rng, capacity=2, extra_langs=[english] if english else [])
    _request(young, rng, extra_langs=[english] if english else [], extra_topics=young_topics)
    _request(young2, rng, extra_langs=langs)
    MenteeRequest.objects.filter(mentee=young2).update(is_open=False)

    active, created = _mentorship(mp_offer, young2, status=Mentorship.Status.ACTIVE, days_ago=40)
    if created:
        Goal.objects.create(
            mentorship=active, title="Run the youth wing's first campaign", progress=40
        )
        Goal.objects.create(mentorship=active, title="Speak at the party congress", progress=10)
        CheckIn.objects.create(
            mentorship=active,
            author=mp,
            met_on=timezone.localdate() - timedelta(days=12),
            notes="Mapped the campaign calendar and the three target districts.",
            next_steps="Draft the volunteer plan before our next call.",
        )
        for author, body in [
            (young2, "Hola Ana, gracias por aceptar. ¿Hablamos el jueves?"),
            (mp, "¡Claro! Jueves a las 18h por video. Trae tu calendario de campaña."),
            (young2, "Perfecto, allí estaré."),
        ]:
            Message.objects.create(mentorship=active, author=author, body=body)

    # Generated members: verified parliamentarians open to mentoring, young leaders looking.
    mentors = list(
        User.objects.filter(
            role=User.Role.PARLIAMENTARIAN,
            parliamentarian_status=User.ParliamentarianStatus.VERIFIED,
            profile__open_to_mentor=True,
            email__endswith="@members.alliance.example",
        ).order_by("pk")[: 40 * scale]
    )
    mentees = list(
        User.objects.filter(
            role=User.Role.YOUNG_LEADER,
            profile__open_to_mentee=True,
            email__endswith="@members.alliance.example",
        ).order_by("pk")[: 90 * scale]
    )
    offers = [_offer(u, rng, capacity=rng.randint(1, 4)) for u in mentors]
    requests = [_request(u, rng) for u in mentees]

    # A few active and past mentorships between generated members.
    for k, (offer, mentee) in enumerate(zip(offers[:12], mentees[:12], strict=False)):
        if k < 6:
            _mentorship(offer, mentee, status=Mentorship.Status.ACTIVE, days_ago=20 + 7 * k)
            MenteeRequest.objects.filter(mentee=mentee).update(is_open=False)
        else:
            past, created = _mentorship(
                offer,
                mentee,
                status=Mentorship.Status.COMPLETED,
                days_ago=240,
                ended_at=timezone.now() - timedelta(days=60),
            )
            if created:
                Feedback.objects.create(
                    mentorship=past, author=mentee, rating=rng.randint(3, 5), comment="Useful."
                )
    # A pending request to mp@ so the demo mentor has something to answer.
    if mentees[12:13] and not MentorshipRequest.objects.filter(offer=mp_offer).exists():
        MentorshipRequest.objects.create(
            mentee=mentees[12],
            offer=mp_offer,
            message="I organise our youth wing and would love advice on coalition building.",
            score=68.0,
            deadline=timezone.now() + timedelta(days=10),
        )

    cohort_round, created = CohortRound.objects.get_or_create(
        title="Autumn cohort",
        defaults={
            "description": "Six months of mentoring, matched for the whole cohort at once.",
            "deadline": timezone.now() + timedelta(days=21),
            "duration_months": 6,
        },
    )
    if created:
        open_requests = [r for r in requests[12:] if r.pk]
        cohort_round.participants.add(*open_requests[:40])
    if stdout:
        stdout.write(
            f"mentoring: {MentorOffer.objects.count()} offers, "
            f"{MenteeRequest.objects.count()} requests, "
            f"{Mentorship.objects.count()} mentorships, {CohortRound.objects.count()} rounds\n"
        )
