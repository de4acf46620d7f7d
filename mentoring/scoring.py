"""The Django side of matching: database rows -> ``matching`` pools -> scores -> sentences.

``mentoring.matching`` knows nothing about Django, languages or names. This module:

* loads offers and requests with a fixed number of queries (through-tables read as id pairs,
  never one query per member) and turns them into ``MenteePool``/``MentorPool`` records;
* adds the hard constraints that need the database (pairs that ended badly, pairs already
  together, regions a mentor does not take) as ``forbidden`` index pairs;
* stores explanations as JSON with database ids (``{"code", "params"}``), so they stay valid
  when topics are added, and renders them as sentences in the reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring import matching
from mentoring.models import (
    Format,
    MatchingSettings,
    MenteeRequest,
    MentorOffer,
    Mentorship,
    RegionPreference,
)
from network.models import Language, MemberProfile, Region, Topic

GENDER_CODES = {
    MemberProfile.Gender.UNDISCLOSED: 0,
    MemberProfile.Gender.WOMAN: 1,
    MemberProfile.Gender.MAN: 2,
    MemberProfile.Gender.NON_BINARY: 3,
    MemberProfile.Gender.SELF_DESCRIBED: 4,
}
WOMAN = GENDER_CODES[MemberProfile.Gender.WOMAN]
OCCUPYING = (Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE)


def weights_from(settings_obj: MatchingSettings) -> matching.Weights:
    return matching.Weights(
        topic=settings_obj.weight_topic,
        language=settings_obj.weight_language,
        format=settings_obj.weight_format,
        region=settings_obj.weight_region,
        experience=settings_obj.weight_experience,
        capacity=settings_obj.weight_capacity,
    )


@dataclass
class Vocabulary:
    """Dense bit positions for topics and languages (``matching`` bitmasks hold ids < 64)."""

    topic_bit: dict[int, int]
    language_bit: dict[int, int]
    topic_pk: dict[int, int] = field(init=False)
    language_pk: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.topic_pk = {bit: pk for pk, bit in self.topic_bit.items()}
        self.language_pk = {bit: pk for pk, bit in self.language_bit.items()}

    @classmethod
    def load(cls) -> Vocabulary:
        # Beyond 64 entries bits would collide; the taxonomies are curated and far smaller,
        # so fail loudly rather than score wrongly.
        topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
        languages = list(Language.objects.order_by("pk").values_list("pk", flat=True))
        if len(topics) > matching.MAX_BIT or len(languages) > matching.MAX_BIT:
            raise ValueError("matching supports at most 64 topics and 64 languages")
        return cls(
            {pk: i for i, pk in enumerate(topics)}, {pk: i for i, pk in enumerate(languages)}
        )


def _pairs(model: Any, owner: str, target: str, ids: Sequence[int]) -> dict[int, set[int]]:
    """Read an M2M through table as {owner id: {target ids}} in one query."""
    out: dict[int, set[int]] = defaultdict(set)
    rows = model.objects.filter(**{f"{owner}__in": ids}).values_list(owner, target)
    for left, right in rows:
        out[left].add(right)
    return out


def mentor_rows(
    *, offer_ids: Iterable[int] | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Records for every offer open today (not paused, inside its availability window).

    Capacity left counts proposed and active mentorships: a published proposal holds its slot.
    """
    today = today or timezone.localdate()
    offers = (
        MentorOffer.objects.filter(is_paused=False, mentor__is_active=True)
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=today))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
        .annotate(occupied=Count("mentorships", filter=Q(mentorships__status__in=OCCUPYING)))
        .values(
            "pk",
            "mentor_id",
            "capacity",
            "formats",
            "occupied",
            "mentor__country__region_id",
            "mentor__profile__years_in_office",
        )
        .order_by("pk")
    )
    if offer_ids is not None:
        offers = offers.filter(pk__in=list(offer_ids))
    offers = list(offers)
    ids = [o["pk"] for o in offers]
    topics = _pairs(MentorOffer.topics.through, "mentoroffer_id", "topic_id", ids)
    languages = _pairs(MentorOffer.languages.through, "mentoroffer_id", "language_id", ids)
    regions = _pairs(MentorOffer.regions.through, "mentoroffer_id", "region_id", ids)
    return [
        {
            "offer_id": o["pk"],
            "member_id": o["mentor_id"],
            "topics": topics.get(o["pk"], set()),
            "languages": languages.get(o["pk"], set()),
            "formats": [f for f in o["formats"] if f in matching.FORMAT_BITS],
            "region": o["mentor__country__region_id"] or 0,
            "years_in_office": float(o["mentor__profile__years_in_office"] or 0),
            "capacity_left": max(o["capacity"] - o["occupied"], 0),
            "capacity_total": o["capacity"],
            "accepts_regions": regions.get(o["pk"], set()),
        }
        for o in offers
    ]


def mentee_rows(requests: Iterable[MenteeRequest] | Iterable[int]) -> list[dict[str, Any]]:
    """Records for the given mentee requests (instances or ids), in the order given."""
    ids = [r if isinstance(r, int) else r.pk for r in requests]
    rows = {
        r["pk"]: r
        for r in MenteeRequest.objects.filter(pk__in=ids).values(
            "pk",
            "mentee_id",
            "formats",
            "region_preference",
            "mentee__country__region_id",
            "mentee__profile__gender",
        )
    }
    topics = _pairs(MenteeRequest.topics.through, "menteerequest_id", "topic_id", ids)
    languages = _pairs(MenteeRequest.languages.through, "menteerequest_id", "language_id", ids)
    return [
        {
            "request_id": pk,
            "member_id": rows[pk]["mentee_id"],
            "topics": topics.get(pk, set()),
            "languages": languages.get(pk, set()),
            "formats": [f for f in rows[pk]["formats"] if f in matching.FORMAT_BITS],
            "region": rows[pk]["mentee__country__region_id"] or 0,
            "region_preference": rows[pk]["region_preference"] or RegionPreference.ANY,
            "gender": GENDER_CODES.get(rows[pk]["mentee__profile__gender"], 0),
        }
        for pk in ids
        if pk in rows
    ]


def _bits(pks: set[int], index: dict[int, int]) -> list[int]:
    return sorted(index[pk] for pk in pks if pk in index)


def build_pools(
    mentees: list[dict[str, Any]], mentors: list[dict[str, Any]], vocab: Vocabulary
) -> tuple[matching.MenteePool, matching.MentorPool]:
    mentee_pool = matching.MenteePool.from_records(
        {
            **r,
            "topics": _bits(r["topics"], vocab.topic_bit),
            "languages": _bits(r["languages"], vocab.language_bit),
        }
        for r in mentees
    )
    mentor_pool = matching.MentorPool.from_records(
        {
            **r,
            "topics": _bits(r["topics"], vocab.topic_bit),
            "languages": _bits(r["languages"], vocab.language_bit),
        }
        for r in mentors
    )
    return mentee_pool, mentor_pool


def forbidden_pairs(
    mentees: list[dict[str, Any]], mentors: list[dict[str, Any]]
) -> list[tuple[int, int]]:
    """Index pairs blocked by the database: ended badly, already together, region not taken."""
    if not mentees or not mentors:
        return []
    mentee_index = defaultdict(list)
    for i, r in enumerate(mentees):
        mentee_index[r["member_id"]].append(i)
    mentor_index = defaultdict(list)
    for j, r in enumerate(mentors):
        mentor_index[r["member_id"]].append(j)
    blocked = (
        Mentorship.objects.filter(
            mentee_id__in=list(mentee_index), mentor_id__in=list(mentor_index)
        )
        .filter(
            Q(status__in=OCCUPYING)
            | Q(end_reason__in=Mentorship.BAD_ENDINGS)
            | Q(mentor_good_fit=False)
            | Q(mentee_good_fit=False)
        )
        .values_list("mentee_id", "mentor_id")
    )
    pairs = {
        (i, j)
        for mentee_id, mentor_id in blocked
        for i in mentee_index[mentee_id]
        for j in mentor_index[mentor_id]
    }
    for j, mentor in enumerate(mentors):
        if mentor["accepts_regions"]:
            for i, mentee in enumerate(mentees):
                if mentee["region"] not in mentor["accepts_regions"]:
                    pairs.add((i, j))
    return sorted(pairs)


def reason_to_json(reason: matching.Reason, vocab: Vocabulary) -> dict[str, Any]:
    """Machine reason with bit positions -> JSON with database ids (stable over time)."""
    params = dict(reason.params)
    if "topics" in params:
        params["topics"] = [vocab.topic_pk[b] for b in params["topics"] if b in vocab.topic_pk]
    if "languages" in params:
        params["languages"] = [
            vocab.language_pk[b] for b in params["languages"] if b in vocab.language_pk
        ]
    return {"code": reason.code, "params": params}


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    # Translators: joins the last two items of a list, as in "climate, labour rights and care".
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


class _Names:
    """Loads topic, language and region names once per rendering pass."""

    def __init__(self, reasons: Iterable[dict[str, Any]]) -> None:
        topic_ids, language_ids, region_ids = set(), set(), set()
        for reason in reasons:
            params = reason.get("params", {})
            topic_ids.update(params.get("topics", []))
            language_ids.update(params.get("languages", []))
            for key in ("region", "mentee_region", "mentor_region"):
                if isinstance(params.get(key), int):
                    region_ids.add(params[key])
        self.topics = {t.pk: t.label for t in Topic.objects.filter(pk__in=topic_ids)}
        self.languages = {
            pk: _(name)
            for pk, name in Language.objects.filter(pk__in=language_ids).values_list("pk", "name")
        }
        self.regions = {
            pk: _(name)
            for pk, name in Region.objects.filter(pk__in=region_ids).values_list("pk", "name")
        }

    def region(self, pk: Any) -> str:
        return self.regions.get(pk, _("an unknown region"))


def describe(reasons: Iterable[dict[str, Any]], *, names: _Names | None = None) -> list[str]:
    """Sentences for stored reasons, in the active language, strongest first."""
    reasons = list(reasons)
    names = names or _Names(reasons)
    formats = dict(Format.choices)
    preferences = dict(RegionPreference.choices)
    out = []
    for reason in reasons:
        code, params = reason.get("code"), reason.get("params", {})
        if code == "shared_topics":
            topics = [names.topics[pk] for pk in params.get("topics", []) if pk in names.topics]
            out.append(_("Both work on {topics}").format(topics=_join(topics)))
        elif code == "shared_languages":
            langs = [names.languages[pk] for pk in params.get("languages", [])]
            out.append(_("Both speak {languages}").format(languages=_join(langs)))
        elif code == "format_fit":
            shown = [str(formats.get(f, f)).lower() for f in params.get("formats", [])]
            out.append(_("Formats that suit both: {formats}").format(formats=_join(shown)))
        elif code == "same_region":
            out.append(_("Same region: {region}").format(region=names.region(params["region"])))
        elif code == "cross_regional":
            out.append(
                _("Different regions ({mentee} and {mentor}): a cross-regional exchange").format(
                    mentee=names.region(params["mentee_region"]),
                    mentor=names.region(params["mentor_region"]),
                )
            )
        elif code == "region_preference_not_met":
            preference = str(preferences.get(params.get("preference"), "")).lower()
            out.append(
                _("Does not meet the region preference ({preference})").format(
                    preference=preference
                )
            )
        elif code == "experienced_mentor":
            years = params.get("years", 0)
            out.append(
                ngettext("%(years)s year in office", "%(years)s years in office", int(years))
                % {"years": years}
            )
        elif code == "mentor_has_room":
            total = int(params.get("capacity_total") or 0)
            out.append(
                ngettext(
                    "Has room for {left} of {total} mentee",
                    "Has room for {left} of {total} mentees",
                    total,
                ).format(left=params.get("capacity_left"), total=total)
            )
        elif code == "self":
            out.append(_("A member cannot mentor themselves"))
        elif code == "forbidden_pair":
            out.append(_("This pair is not suggested again (ended early or not a good fit)"))
        elif code == "no_shared_language":
            out.append(_("No shared working language"))
        elif code == "no_capacity":
            out.append(_("No room for another mentee at the moment"))
        elif code == "min_share":
            out.append(
                _("At least {share}% of matched mentees should be women (reached {got}%)").format(
                    share=round(100 * params.get("min_share", 0)),
                    got=round(100 * params.get("achieved_share", 0)),
                )
            )
        elif code == "region_not_represented":
            out.append(
                _("{region} is not represented").format(region=names.region(params.get("region")))
            )
    return out


def component_labels() -> dict[str, str]:
    return {
        "topic": _("Topic overlap"),
        "language": _("Shared languages"),
        "format": _("Format fit"),
        "region": _("Region preference"),
        "experience": _("Experience in office"),
        "capacity": _("Capacity left"),
    }


# --------------------------------------------------------------------------------------------
# Suggestions for one young leader
# --------------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    offer_id: int
    mentor_id: int
    score: float
    reasons: list[dict[str, Any]]
    contributions: dict[str, float]
    sentences: list[str] = field(default_factory=list)
    breakdown: list[tuple[str, float]] = field(default_factory=list)


def suggest_for_request(
    request: MenteeRequest,
    *,
    limit: int,
    weights: matching.Weights,
    mentors: list[dict[str, Any]] | None = None,
    vocab: Vocabulary | None = None,
) -> list[Suggestion]:
    """The ``limit`` best feasible mentors for this request, best first, with reasons.

    Feasible means every hard constraint holds (shared language, capacity, not themselves,
    not a pair that ended badly or is already together, a region the mentor takes).
    """
    vocab = vocab or Vocabulary.load()
    mentees = mentee_rows([request])
    mentors = mentor_rows() if mentors is None else mentors
    if not mentees or not mentors:
        return []
    mentee_pool, mentor_pool = build_pools(mentees, mentors, vocab)
    forbidden = forbidden_pairs(mentees, mentors)
    scores = matching.score_matrix(mentee_pool, mentor_pool, weights, forbidden=forbidden)
    top = matching.top_k_candidates(scores, limit)[0]
    out = []
    for j in top.tolist():
        if j < 0:
            break
        explanation = matching.explain_pair(0, j, mentee_pool, mentor_pool, weights)
        out.append(
            Suggestion(
                offer_id=mentors[j]["offer_id"],
                mentor_id=mentors[j]["member_id"],
                score=float(scores[0, j]),
                reasons=[reason_to_json(r, vocab) for r in explanation.reasons],
                contributions=dict(explanation.contributions),
            )
        )
    return out


def explain_offer_for_request(
    request: MenteeRequest, offer: MentorOffer, *, weights: matching.Weights
) -> tuple[float, list[dict[str, Any]]]:
    """Score and stored reasons of one pair (blocking reasons when infeasible)."""
    vocab = Vocabulary.load()
    mentees = mentee_rows([request])
    mentors = mentor_rows(offer_ids=[offer.pk])
    if not mentees or not mentors:
        return matching.INFEASIBLE, [{"code": "no_capacity", "params": {}}]
    mentee_pool, mentor_pool = build_pools(mentees, mentors, vocab)
    forbidden = forbidden_pairs(mentees, mentors)
    explanation = matching.explain_pair(
        0, 0, mentee_pool, mentor_pool, weights, forbidden=forbidden
    )
    return explanation.score, [reason_to_json(r, vocab) for r in explanation.reasons]


def render_suggestions(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Fill in sentences and the labelled breakdown, loading names once for the whole list."""
    names = _Names(r for s in suggestions for r in s.reasons)
    labels = component_labels()
    for s in suggestions:
        s.sentences = describe(s.reasons, names=names)
        s.breakdown = [(labels[c], round(s.contributions.get(c, 0.0), 1)) for c in labels]
    return suggestions


__all__ = [
    "WOMAN",
    "Suggestion",
    "Vocabulary",
    "build_pools",
    "component_labels",
    "describe",
    "explain_offer_for_request",
    "forbidden_pairs",
    "mentee_rows",
    "mentor_rows",
    "render_suggestions",
    "suggest_for_request",
    "weights_from",
]
