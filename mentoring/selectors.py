"""Reads of mentoring: what each page shows, in a fixed number of queries."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mentoring import matching, permissions, scoring
from mentoring.models import (
    CohortRound,
    Format,
    MatchingSettings,
    MenteeRequest,
    MentoringNotification,
    MentorOffer,
    Mentorship,
    MentorshipRequest,
    Message,
)
from network.models import MemberProfile, User

ONGOING = (Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE)
PAST = (
    Mentorship.Status.COMPLETED,
    Mentorship.Status.ENDED_EARLY,
    Mentorship.Status.DECLINED,
    Mentorship.Status.EXPIRED,
)


def _profile(user: User) -> MemberProfile | None:
    return MemberProfile.objects.filter(user=user).first()


def offer_initial(user: User) -> dict[str, Any]:
    """Prefill a new offer from the member's profile: expertise, languages, all formats."""
    profile = _profile(user)
    return {
        "topics": list(profile.expertise.values_list("pk", flat=True)) if profile else [],
        "languages": list(profile.languages.values_list("pk", flat=True)) if profile else [],
        "formats": [Format.VIDEO, Format.MESSAGES],
        "capacity": 2,
    }


def request_initial(user: User) -> dict[str, Any]:
    """Prefill a new request from the profile: interests (else expertise), languages."""
    profile = _profile(user)
    topics: list[int] = []
    if profile:
        topics = list(profile.interests.values_list("pk", flat=True)) or list(
            profile.expertise.values_list("pk", flat=True)
        )
    return {
        "topics": topics,
        "languages": list(profile.languages.values_list("pk", flat=True)) if profile else [],
        "formats": [Format.VIDEO],
        "duration_months": 6,
    }


def _mentorships(user: User) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
        .select_related("mentor", "mentee", "cohort_round")
        .order_by("-created_at")
    )


@dataclass
class Overview:
    offer: MentorOffer | None
    mentee_request: MenteeRequest | None
    incoming: list[MentorshipRequest]
    sent: list[MentorshipRequest]
    ongoing: list[Mentorship]
    past: list[Mentorship]
    open_rounds: list[CohortRound]
    joined_round_ids: set[int]
    unread: int


def overview(user: User) -> Overview:
    """The member's mentoring home: their offer or request, requests, mentorships, rounds."""
    offer = MentorOffer.objects.filter(mentor=user).first()
    mentee_request = MenteeRequest.objects.filter(mentee=user).first()
    incoming = (
        list(
            offer.requests.filter(status=MentorshipRequest.Status.PENDING)
            .select_related("mentee")
            .order_by("deadline")
        )
        if offer
        else []
    )
    sent = list(
        MentorshipRequest.objects.filter(mentee=user)
        .select_related("offer__mentor")
        .order_by("-created_at")[:20]
    )
    mentorships = list(_mentorships(user))
    open_rounds = list(
        CohortRound.objects.filter(status=CohortRound.Status.OPEN, deadline__gte=timezone.now())
    )
    joined = set(mentee_request.rounds.values_list("pk", flat=True)) if mentee_request else set()
    return Overview(
        offer=offer,
        mentee_request=mentee_request,
        incoming=incoming,
        sent=sent,
        ongoing=[m for m in mentorships if m.status in ONGOING],
        past=[m for m in mentorships if m.status in PAST],
        open_rounds=open_rounds,
        joined_round_ids=joined,
        unread=MentoringNotification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )


@dataclass
class SuggestedMentor:
    suggestion: scoring.Suggestion
    offer: MentorOffer
    pending_request: MentorshipRequest | None


def suggestions(user: User) -> list[SuggestedMentor]:
    """Ranked mentors for a young leader's open request, with translated reasons.

    Queries do not grow with the number of suggestions: pools are read as id pairs, offers
    for display in one query with their mentors and profiles.
    """
    mentee_request = MenteeRequest.objects.filter(mentee=user, is_open=True).first()
    if mentee_request is None:
        return []
    settings_obj = MatchingSettings.load()
    found = scoring.suggest_for_request(
        mentee_request,
        limit=settings_obj.suggestions_shown,
        weights=scoring.weights_from(settings_obj),
    )
    scoring.render_suggestions(found)
    offers = MentorOffer.objects.select_related(
        "mentor__profile", "mentor__country", "mentor__party"
    ).in_bulk([s.offer_id for s in found])
    pending = {
        r.offer_id: r
        for r in MentorshipRequest.objects.filter(
            mentee=user, status=MentorshipRequest.Status.PENDING
        )
    }
    return [SuggestedMentor(s, offers[s.offer_id], pending.get(s.offer_id)) for s in found]


def request_for_mentor(user: User, pk: int) -> MentorshipRequest:
    request = (
        MentorshipRequest.objects.select_related(
            "mentee__profile", "mentee__country", "offer__mentor"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    permissions.check_answer_request(user, request)
    return request


def mentorship_for(user: User, pk: int) -> Mentorship:
    """A mentorship the user may see (participant or 2FA staff), else 404."""
    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee", "offer", "cohort_round")
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404
    permissions.check_view_mentorship(user, mentorship)
    return mentorship


def mentorship_detail(mentorship: Mentorship, *, user: User) -> dict[str, Any]:
    messages = list(
        Message.objects.filter(mentorship=mentorship)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    return {
        "goals": list(mentorship.goals.all()),
        "check_ins": list(mentorship.check_ins.select_related("author")),
        "conversation_messages": messages,
        "reasons": scoring.describe(mentorship.reasons or []),
        "feedback_given": mentorship.feedback.filter(author=user).exists(),
        "is_mentor": user.pk == mentorship.mentor_id,
        "last_seq": _last_seq(mentorship.pk),
    }


def _last_seq(mentorship_id: int) -> int:
    from realtime.models import StreamCursor

    cursor = StreamCursor.objects.filter(stream=f"conversation:{mentorship_id}").first()
    return cursor.last_seq if cursor else 0


def notifications_for(user: User, *, limit: int = 50) -> list[MentoringNotification]:
    return list(MentoringNotification.objects.filter(recipient=user)[:limit])


# --------------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------------


def _hours(delta: Any) -> float:
    return delta.total_seconds() / 3600


def dashboard(*, now: Any = None) -> dict[str, Any]:
    """Figures for the staff dashboard: requests, response times, mentorships, coverage."""
    now = now or timezone.now()
    answered = MentorshipRequest.objects.filter(
        status__in=[MentorshipRequest.Status.ACCEPTED, MentorshipRequest.Status.DECLINED],
        responded_at__isnull=False,
    ).values_list("created_at", "responded_at")
    response_hours = [_hours(b - a) for a, b in answered]
    status_counts = defaultdict(int)
    for status in Mentorship.objects.values_list("status", flat=True):
        status_counts[status] += 1
    return {
        "open_mentee_requests": MenteeRequest.objects.filter(is_open=True).count(),
        "pending_requests": MentorshipRequest.objects.filter(
            status=MentorshipRequest.Status.PENDING
        ).count(),
        "overdue_requests": MentorshipRequest.objects.filter(
            status=MentorshipRequest.Status.PENDING, deadline__lt=now
        ).count(),
        "median_response_hours": round(statistics.median(response_hours), 1)
        if response_hours
        else None,
        "answered_requests": len(response_hours),
        "status_counts": {
            label: status_counts[value] for value, label in Mentorship.Status.choices
        },
        "offers": MentorOffer.objects.count(),
        "paused_offers": MentorOffer.objects.filter(is_paused=True).count(),
        "breakdowns": coverage_breakdowns(),
    }


def coverage_breakdowns() -> dict[str, list[dict[str, Any]]]:
    """Per region, gender and language of mentees who asked for a mentor: how many asked,
    how many got one (active or completed), and the mean score of their mentorships."""
    served = Mentorship.objects.filter(
        status__in=[Mentorship.Status.ACTIVE, Mentorship.Status.COMPLETED]
    ).values_list("mentee_id", "score")
    score_by_mentee: dict[int, list[float]] = defaultdict(list)
    for mentee_id, score in served:
        score_by_mentee[mentee_id].append(score or 0.0)
    rows = list(
        MenteeRequest.objects.values(
            "pk", "mentee_id", "mentee__country__region__name", "mentee__profile__gender"
        )
    )
    languages = defaultdict(set)
    for request_id, name in MenteeRequest.languages.through.objects.values_list(
        "menteerequest_id", "language__name"
    ):
        languages[request_id].add(name)
    genders = dict(MemberProfile.Gender.choices)
    groups: dict[str, dict[str, list]] = {"region": {}, "gender": {}, "language": {}}
    for row in rows:
        keys = {
            "region": [row["mentee__country__region__name"] or "—"],
            "gender": [str(genders.get(row["mentee__profile__gender"] or "undisclosed", "—"))],
            "language": sorted(languages[row["pk"]]) or ["—"],
        }
        scores = score_by_mentee.get(row["mentee_id"], [])
        for dimension, names in keys.items():
            for name in names:
                entry = groups[dimension].setdefault(name, [0, 0, []])
                entry[0] += 1
                entry[1] += int(bool(scores))
                entry[2] += scores
    return {
        dimension: [
            {
                "name": name,
                "mentees": asked,
                "matched": matched,
                "coverage": round(100 * matched / asked, 1) if asked else 0.0,
                "mean_score": round(statistics.fmean(scores), 1) if scores else None,
            }
            for name, (asked, matched, scores) in sorted(entries.items())
        ]
        for dimension, entries in groups.items()
    }


EXPORT_HEADER = [
    "id",
    "status",
    "mentor",
    "mentor_region",
    "mentee",
    "mentee_region",
    "mentee_gender",
    "score",
    "cohort_round",
    "created_at",
    "started_at",
    "ends_on",
    "ended_at",
    "end_reason",
]


def export_rows() -> list[list[Any]]:
    rows = Mentorship.objects.select_related(
        "mentor__country__region",
        "mentee__country__region",
        "mentee__profile",
        "cohort_round",
    ).order_by("pk")
    out = []
    for m in rows.iterator(chunk_size=1000):
        profile = getattr(m.mentee, "profile", None)
        out.append(
            [
                m.pk,
                m.status,
                m.mentor.email,
                m.mentor.country.region.name if m.mentor.country else "",
                m.mentee.email,
                m.mentee.country.region.name if m.mentee.country else "",
                profile.gender if profile else "",
                round(m.score, 2) if m.score is not None else "",
                m.cohort_round.title if m.cohort_round else "",
                m.created_at.isoformat(),
                m.started_at.isoformat() if m.started_at else "",
                m.ends_on.isoformat() if m.ends_on else "",
                m.ended_at.isoformat() if m.ended_at else "",
                m.end_reason,
            ]
        )
    return out


def preview_weights(
    new: matching.Weights, *, current: matching.Weights, sample: int = 12, top: int = 3
) -> dict[str, Any]:
    """How young leaders' top suggestions change under ``new`` weights, before saving.

    Scores every open request in the sample against every open offer under both weightings
    (the same hard constraints) and lists each mentee's top ``top`` before and after.
    """
    requests = list(MenteeRequest.objects.filter(is_open=True).order_by("-updated_at")[:sample])
    vocab = scoring.Vocabulary.load()
    mentees = scoring.mentee_rows(requests)
    mentors = scoring.mentor_rows()
    if not mentees or not mentors:
        return {"rows": [], "changed": 0, "mean_before": 0.0, "mean_after": 0.0}
    mentee_pool, mentor_pool = scoring.build_pools(mentees, mentors, vocab)
    forbidden = scoring.forbidden_pairs(mentees, mentors)
    before = matching.score_matrix(mentee_pool, mentor_pool, current, forbidden=forbidden)
    after = matching.score_matrix(mentee_pool, mentor_pool, new, forbidden=forbidden)
    top_before = matching.top_k_candidates(before, top)
    top_after = matching.top_k_candidates(after, top)
    names = dict(
        User.objects.filter(pk__in=[m["member_id"] for m in mentees + mentors]).values_list(
            "pk", "display_name"
        )
    )
    rows, changed, best_before, best_after = [], 0, [], []
    for i, mentee in enumerate(mentees):

        def listing(cands: Any, scores: Any, i: int = i) -> list[tuple[str, float]]:
            return [
                (names.get(mentors[j]["member_id"], "?"), round(float(scores[i, j]), 1))
                for j in cands[i].tolist()
                if j >= 0
            ]

        was, now_ = listing(top_before, before), listing(top_after, after)
        changed += [n for n, _ in was] != [n for n, _ in now_]
        if was:
            best_before.append(was[0][1])
        if now_:
            best_after.append(now_[0][1])
        rows.append({"mentee": names.get(mentee["member_id"], "?"), "before": was, "after": now_})
    return {
        "rows": rows,
        "changed": changed,
        "mean_before": round(statistics.fmean(best_before), 1) if best_before else 0.0,
        "mean_after": round(statistics.fmean(best_after), 1) if best_after else 0.0,
    }


def round_detail(cohort_round: CohortRound) -> dict[str, Any]:
    proposals = list(
        cohort_round.proposals.select_related("mentee_request__mentee", "offer__mentor")
    )
    participants = list(cohort_round.participants.select_related("mentee").order_by("created_at"))
    proposed_for = {p.mentee_request_id: p for p in proposals}
    return {
        "proposals": proposals,
        "participants": participants,
        "unmatched": [p for p in participants if p.pk not in proposed_for],
        "offers": list(
            MentorOffer.objects.filter(is_paused=False)
            .select_related("mentor")
            .order_by("mentor__display_name")
        ),
        "unmet": scoring.describe((cohort_round.comparison.get("optimal") or {}).get("unmet", [])),
    }
