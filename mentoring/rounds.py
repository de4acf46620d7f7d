"""Cohort rounds (staff): collect requests, assign the whole cohort optimally, publish.

A run scores every participant against every open offer, solves the optimal assignment with
``matching.assign_optimal`` under the staff's balance constraints, runs first-come greedy on
the same scores for comparison, and stores draft ``CohortProposal`` rows that staff may adjust
by hand before publishing. Publishing turns each draft into a ``PROPOSED`` mentorship that
holds a place in the mentor's capacity until both sides confirm (or it expires).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring import matching, notifications, scoring
from mentoring.models import (
    CohortProposal,
    CohortRound,
    MatchingSettings,
    MenteeRequest,
    MentorOffer,
    Mentorship,
)
from mentoring.services import MentoringError

ROUND_NOT_OPEN = _("This round no longer takes requests.")
ROUND_PUBLISHED = _("This round has already been published.")
PAIR_INFEASIBLE = _("This pair breaks a hard constraint: {reasons}.")
MENTOR_FULL_IN_ROUND = _("This mentor has no place left in this round.")
NOTHING_TO_PUBLISH = _("Run the round (or add pairs) before publishing.")


@transaction.atomic
def open_round(
    *, staff: Any, title: str, deadline: datetime, duration_months: int = 6, description: str = ""
) -> CohortRound:
    return CohortRound.objects.create(
        title=title,
        deadline=deadline,
        duration_months=duration_months,
        description=description,
        created_by=staff,
    )


@transaction.atomic
def join_round(*, mentee: Any, cohort_round: CohortRound, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if cohort_round.status != CohortRound.Status.OPEN or cohort_round.deadline < now:
        raise MentoringError(ROUND_NOT_OPEN)
    request = MenteeRequest.objects.filter(mentee=mentee, is_open=True).first()
    if request is None:
        from mentoring.services import NO_OPEN_REQUEST

        raise MentoringError(NO_OPEN_REQUEST)
    cohort_round.participants.add(request)


@transaction.atomic
def leave_round(*, mentee: Any, cohort_round: CohortRound) -> None:
    if cohort_round.status != CohortRound.Status.OPEN:
        raise MentoringError(ROUND_NOT_OPEN)
    cohort_round.participants.remove(*MenteeRequest.objects.filter(mentee=mentee))


def _round_inputs(cohort_round: CohortRound) -> dict[str, Any]:
    """Participants still looking, open offers, the score matrix and the hard constraints."""
    participants = list(
        cohort_round.participants.filter(is_open=True)
        .exclude(mentee__mentorships_as_mentee__status__in=scoring.OCCUPYING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    vocab = scoring.Vocabulary.load()
    mentees = scoring.mentee_rows(participants)
    mentors = scoring.mentor_rows()
    mentee_pool, mentor_pool = scoring.build_pools(mentees, mentors, vocab)
    settings_obj = MatchingSettings.load()
    weights = scoring.weights_from(settings_obj)
    forbidden = scoring.forbidden_pairs(mentees, mentors)
    scores = matching.score_matrix(mentee_pool, mentor_pool, weights, forbidden=forbidden)
    return {
        "vocab": vocab,
        "mentees": mentees,
        "mentors": mentors,
        "mentee_pool": mentee_pool,
        "mentor_pool": mentor_pool,
        "weights": weights,
        "forbidden": forbidden,
        "scores": scores,
        "capacities": mentor_pool.capacity_left,
        "settings": settings_obj,
    }


def _balance(inputs: dict[str, Any]) -> matching.Balance | None:
    settings_obj = inputs["settings"]
    share = settings_obj.min_women_share / 100
    if not share and not settings_obj.every_region_represented:
        return None
    return matching.Balance.for_mentees(
        inputs["mentee_pool"],
        min_share_by_group={"gender": {scoring.WOMAN: share}} if share else None,
        every_region_represented=settings_obj.every_region_represented,
    )


def _group_figures(assignment: matching.Assignment, mentees: list[dict[str, Any]]) -> dict:
    """Coverage by gender and region: how each group fared under this assignment."""
    out: dict[str, dict[str, list[float]]] = {"gender": {}, "region": {}}
    for i, mentee in enumerate(mentees):
        for attribute in ("gender", "region"):
            key = str(mentee[attribute])
            total, matched = out[attribute].get(key, [0, 0])
            out[attribute][key] = [total + 1, matched + int(assignment.pairs[i] >= 0)]
    return out


@transaction.atomic
def run_round(*, cohort_round: CohortRound, now: datetime | None = None) -> dict[str, Any]:
    """Close the round if open, solve it, store the comparison and fresh draft proposals."""
    now = now or timezone.now()
    cohort_round = CohortRound.objects.select_for_update().get(pk=cohort_round.pk)
    if cohort_round.status == CohortRound.Status.PUBLISHED:
        raise MentoringError(ROUND_PUBLISHED)
    inputs = _round_inputs(cohort_round)
    scores, caps = inputs["scores"], inputs["capacities"]
    settings_obj = inputs["settings"]
    optimal = matching.assign_optimal(
        scores,
        caps,
        candidates_per_mentee=settings_obj.candidates_per_mentee,
        balance=_balance(inputs),
        time_limit=20.0,
    )
    # First come, first served: participants are ordered by when they asked.
    greedy = matching.assign_greedy(scores, caps)
    comparison = {
        "optimal": optimal.summary(),
        "greedy": greedy.summary(),
        "groups": {
            "optimal": _group_figures(optimal, inputs["mentees"]),
            "greedy": _group_figures(greedy, inputs["mentees"]),
        },
        "mentors": len(inputs["mentors"]),
    }
    cohort_round.comparison = comparison
    cohort_round.status = CohortRound.Status.CLOSED
    cohort_round.run_at = now
    cohort_round.save(update_fields=["comparison", "status", "run_at"])
    cohort_round.proposals.all().delete()
    mentees, mentors, vocab = inputs["mentees"], inputs["mentors"], inputs["vocab"]
    drafts = []
    for i, j in optimal.matched_pairs():
        explanation = matching.explain_pair(
            i, j, inputs["mentee_pool"], inputs["mentor_pool"], inputs["weights"]
        )
        drafts.append(
            CohortProposal(
                round=cohort_round,
                mentee_request_id=mentees[i]["request_id"],
                offer_id=mentors[j]["offer_id"],
                score=float(scores[i, j]),
                reasons=[scoring.reason_to_json(r, vocab) for r in explanation.reasons],
            )
        )
    CohortProposal.objects.bulk_create(drafts)
    return comparison


@transaction.atomic
def set_pair(
    *, cohort_round: CohortRound, mentee_request: MenteeRequest, offer: MentorOffer | None
) -> CohortProposal | None:
    """Staff adjust a pair by hand (``offer=None`` leaves the mentee unmatched).

    Hard constraints still hold: the pair must be feasible and the mentor must have a place
    left counting the round's other drafts.
    """
    cohort_round = CohortRound.objects.select_for_update().get(pk=cohort_round.pk)
    if cohort_round.status == CohortRound.Status.PUBLISHED:
        raise MentoringError(ROUND_PUBLISHED)
    CohortProposal.objects.filter(round=cohort_round, mentee_request=mentee_request).delete()
    if offer is None:
        return None
    score, reasons = scoring.explain_offer_for_request(
        mentee_request, offer, weights=scoring.weights_from(MatchingSettings.load())
    )
    if score < 0:
        raise MentoringError(
            str(PAIR_INFEASIBLE).format(reasons="; ".join(scoring.describe(reasons)))
        )
    rows = scoring.mentor_rows(offer_ids=[offer.pk])
    drafted = CohortProposal.objects.filter(round=cohort_round, offer=offer).count()
    if not rows or drafted >= rows[0]["capacity_left"]:
        raise MentoringError(MENTOR_FULL_IN_ROUND)
    return CohortProposal.objects.create(
        round=cohort_round,
        mentee_request=mentee_request,
        offer=offer,
        score=score,
        reasons=reasons,
        adjusted_by_staff=True,
    )


def draft_summary(cohort_round: CohortRound) -> dict[str, float]:
    """Figures of the drafts as they stand now (after any hand adjustments)."""
    scores = list(cohort_round.proposals.values_list("score", flat=True))
    total = cohort_round.participants.filter(is_open=True).count()
    return {
        "matched": len(scores),
        "coverage": round(100 * len(scores) / total, 1) if total else 0.0,
        "mean_score": round(float(np.mean(scores)), 1) if scores else 0.0,
        "min_score": round(float(np.min(scores)), 1) if scores else 0.0,
    }


@transaction.atomic
def publish_round(*, cohort_round: CohortRound, now: datetime | None = None) -> list[Mentorship]:
    """Turn drafts into proposals both sides must confirm; notify both sides."""
    now = now or timezone.now()
    cohort_round = CohortRound.objects.select_for_update().get(pk=cohort_round.pk)
    if cohort_round.status == CohortRound.Status.PUBLISHED:
        raise MentoringError(ROUND_PUBLISHED)
    drafts = list(cohort_round.proposals.select_related("mentee_request__mentee", "offer__mentor"))
    if not drafts:
        raise MentoringError(NOTHING_TO_PUBLISH)
    # Capacity check at publish time, under the offers' row locks, in a stable order.
    offers = {
        o.pk: o
        for o in MentorOffer.objects.select_for_update()
        .filter(pk__in={d.offer_id for d in drafts})
        .order_by("pk")
    }
    wanted = Counter(d.offer_id for d in drafts)
    for offer_id, count in wanted.items():
        occupied = Mentorship.objects.filter(
            offer_id=offer_id, status__in=scoring.OCCUPYING
        ).count()
        if occupied + count > offers[offer_id].capacity:
            raise MentoringError(MENTOR_FULL_IN_ROUND)
    confirm_by = now + timedelta(days=MatchingSettings.load().request_deadline_days)
    created = []
    for draft in drafts:
        mentorship = Mentorship.objects.create(
            mentor=draft.offer.mentor,
            mentee=draft.mentee_request.mentee,
            offer=draft.offer,
            cohort_round=cohort_round,
            status=Mentorship.Status.PROPOSED,
            score=draft.score,
            reasons=draft.reasons,
            confirm_by=confirm_by,
        )
        notifications.proposal_published(mentorship)
        created.append(mentorship)
    cohort_round.status = CohortRound.Status.PUBLISHED
    cohort_round.published_at = now
    cohort_round.save(update_fields=["status", "published_at"])
    return created
