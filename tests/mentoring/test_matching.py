"""Tests for the Django-free matching engine in ``mentoring.matching``."""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.matching import (
    COMPONENTS,
    INFEASIBLE,
    Assignment,
    Balance,
    MenteePool,
    MentorPool,
    Reason,
    Weights,
    assign_exact_dense,
    assign_greedy,
    assign_optimal,
    assignment_violations,
    brute_force_optimum,
    compare,
    explain_pair,
    score_matrix,
    score_pair_reference,
    top_k_candidates,
)

MAN, WOMAN = 0, 1
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mentee(member_id: int = 1, **overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "member_id": member_id,
        "topics": [1, 2, 3, 4],
        "languages": [0, 1],
        "formats": ["video", "messages"],
        "region": 1,
        "region_preference": "different",
        "gender": WOMAN,
    }
    record.update(overrides)
    return record


def mentor(member_id: int = 100, **overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "member_id": member_id,
        "topics": [2, 4, 9],
        "languages": [1, 5],
        "formats": ["video"],
        "region": 3,
        "years_in_office": 8.0,
        "capacity_left": 2,
        "capacity_total": 4,
    }
    record.update(overrides)
    return record


def pools(mentees: list[dict], mentors: list[dict]) -> tuple[MenteePool, MentorPool]:
    return MenteePool.from_records(mentees), MentorPool.from_records(mentors)


def random_pools(seed: int, n: int, m: int) -> tuple[MenteePool, MentorPool, list[tuple[int, int]]]:
    """Small pools where every hard constraint is likely to bite somewhere."""
    rng = np.random.default_rng(seed)
    left = rng.integers(0, 3, m)
    mentees = MenteePool(
        member_id=np.arange(n),
        topics=rng.integers(0, 64, n),
        languages=rng.integers(0, 8, n),  # three languages only: shared ones are not a given
        formats=rng.integers(0, 8, n),
        region=rng.integers(0, 3, n),
        region_preference=rng.integers(0, 3, n),
        gender=rng.integers(0, 2, n),
    )
    mentors = MentorPool(
        member_id=rng.integers(0, n + m, m),  # overlaps mentee ids: some "self" pairs
        topics=rng.integers(0, 64, m),
        languages=rng.integers(0, 8, m),
        formats=rng.integers(0, 8, m),
        region=rng.integers(0, 3, m),
        years_in_office=rng.uniform(0, 30, m),
        capacity_left=left,
        capacity_total=left + rng.integers(0, 2, m),
    )
    forbidden = [
        (int(i), int(j)) for i, j in zip(rng.integers(0, n, 2), rng.integers(0, m, 2), strict=True)
    ]
    return mentees, mentors, forbidden


def random_weights(seed: int) -> Weights:
    rng = np.random.default_rng(seed)
    values = rng.uniform(0, 10, len(COMPONENTS))
    values[rng.random(len(COMPONENTS)) < 0.2] = 0.0
    values[0] += 0.1
    return Weights(**dict(zip(COMPONENTS, values.tolist(), strict=True)))


# --- Weights and inputs ------------------------------------------------------------------


def test_normalised_weights_sum_to_one_and_keep_their_proportions() -> None:
    weights = Weights().normalised()
    assert sum(weights.as_dict().values()) == pytest.approx(1.0)
    assert weights.topic == pytest.approx(0.4)
    assert weights.language == pytest.approx(2 * weights.format)


def test_negative_or_all_zero_weights_are_rejected() -> None:
    with pytest.raises(ValueError):
        Weights(topic=-1)
    with pytest.raises(ValueError):
        Weights(0, 0, 0, 0, 0, 0)


def test_pools_can_be_built_from_objects_as_well_as_dicts() -> None:
    as_object = SimpleNamespace(**mentee(7))
    from_object = MenteePool.from_records([as_object])
    from_dict = MenteePool.from_records([mentee(7)])
    assert from_object.record(0) == from_dict.record(0)
    assert from_dict.topics[0] == 0b11110
    assert from_dict.formats[0] == 0b101  # video + messages


def test_invalid_records_are_rejected() -> None:
    with pytest.raises(ValueError):
        MenteePool.from_records([mentee(topics=[64])])
    with pytest.raises(ValueError):
        MenteePool.from_records([mentee(formats=["carrier_pigeon"])])
    with pytest.raises(ValueError):
        MenteePool.from_records([mentee(region_preference="nearby")])
    with pytest.raises(ValueError):
        MentorPool.from_records([mentor(capacity_left=3, capacity_total=2)])


def test_pool_arrays_must_have_the_same_length() -> None:
    with pytest.raises(ValueError):
        MentorPool(
            member_id=[1, 2],
            topics=[1, 2],
            languages=[1],
            formats=[1, 1],
            region=[0, 0],
            years_in_office=[1.0, 2.0],
            capacity_left=[1, 1],
            capacity_total=[1, 1],
        )


# --- Hand-checked scores and reasons -------------------------------------------------------


def test_hand_built_pair_has_the_expected_component_values() -> None:
    mentees, mentors = pools([mentee()], [mentor()])
    explanation = explain_pair(0, 0, mentees, mentors)
    expected = {
        "topic": 40 * 2 / 4,  # mentor covers topics 2 and 4 of the mentee's four
        "language": 20 * (0.5 + 0.5 * 1 / 2),  # one of the mentee's two languages
        "format": 10 * 1 / 2,  # video offered, messages not
        "region": 10.0,  # wants a different region and gets one
        "experience": 10 * (1 - math.exp(-1)),  # 8 years = one saturation scale
        "capacity": 10 * 2 / 4,
    }
    assert explanation.feasible
    assert explanation.contributions == pytest.approx(expected)
    assert explanation.score == pytest.approx(sum(expected.values()))
    assert score_matrix(mentees, mentors)[0, 0] == pytest.approx(explanation.score, abs=1e-4)


def test_reasons_carry_codes_and_parameters_not_sentences() -> None:
    mentees, mentors = pools([mentee()], [mentor()])
    reasons = {r.code: r.params for r in explain_pair(0, 0, mentees, mentors).reasons}
    assert reasons["shared_topics"] == {"topics": [2, 4]}
    assert reasons["shared_languages"] == {"languages": [1]}
    assert reasons["format_fit"] == {"formats": ["video"]}
    assert reasons["cross_regional"] == {"mentee_region": 1, "mentor_region": 3}
    assert reasons["experienced_mentor"] == {"years": 8}
    assert reasons["mentor_has_room"] == {"capacity_left": 2, "capacity_total": 4}
    assert "same_region" not in reasons


def test_reasons_are_ordered_by_how_much_their_component_contributes() -> None:
    mentees, mentors = pools([mentee()], [mentor()])
    codes = [r.code for r in explain_pair(0, 0, mentees, mentors).reasons]
    assert codes[0] == "shared_topics"
    assert codes.index("shared_languages") < codes.index("format_fit")


def test_same_region_is_required_when_the_mentee_asks_for_it() -> None:
    mentees, mentors = pools(
        [mentee(region_preference="same", region=2)],
        [mentor(region=2), mentor(member_id=101, region=4)],
    )
    near = explain_pair(0, 0, mentees, mentors)
    far = explain_pair(0, 1, mentees, mentors)
    assert near.contributions["region"] == pytest.approx(10.0)
    assert far.contributions["region"] == 0.0
    assert Reason("same_region", {"region": 2}) in near.reasons
    assert Reason("region_preference_not_met", {"preference": "same"}) in far.reasons


def test_mentee_open_to_any_region_gets_the_full_region_score_everywhere() -> None:
    mentees, mentors = pools(
        [mentee(region_preference="any")], [mentor(region=1), mentor(member_id=101, region=5)]
    )
    scores = score_matrix(mentees, mentors)
    assert scores[0, 0] == pytest.approx(scores[0, 1], abs=1e-4)


def test_mentee_without_a_format_preference_fits_every_mentor() -> None:
    mentees, mentors = pools([mentee(formats=[])], [mentor(formats=["in_person"])])
    assert explain_pair(0, 0, mentees, mentors).contributions["format"] == pytest.approx(10.0)


def test_more_shared_languages_score_a_little_higher() -> None:
    mentees, mentors = pools(
        [mentee(languages=[0, 1])],
        [mentor(languages=[1]), mentor(member_id=101, languages=[0, 1])],
    )
    one, both = score_matrix(mentees, mentors)[0]
    assert both - one == pytest.approx(20 * 0.25, abs=1e-4)


def test_experience_saturates() -> None:
    mentees, mentors = pools(
        [mentee()],
        [mentor(years_in_office=y, member_id=100 + y) for y in (0, 10, 20, 40)],
    )
    scores = score_matrix(mentees, mentors)[0]
    gains = np.diff(scores)
    assert (gains > 0).all()
    assert gains[2] < gains[0] / 2


# --- Hard constraints --------------------------------------------------------------------------


def test_pairs_without_a_shared_language_are_infeasible_and_explained() -> None:
    mentees, mentors = pools([mentee(languages=[0])], [mentor(languages=[1, 5])])
    assert score_matrix(mentees, mentors)[0, 0] == INFEASIBLE
    explanation = explain_pair(0, 0, mentees, mentors)
    assert not explanation.feasible
    assert explanation.score == INFEASIBLE
    assert explanation.reasons == (Reason("no_shared_language"),)


def test_mentors_without_capacity_left_are_infeasible() -> None:
    mentees, mentors = pools([mentee()], [mentor(capacity_left=0, capacity_total=3)])
    assert score_matrix(mentees, mentors)[0, 0] == INFEASIBLE
    assert explain_pair(0, 0, mentees, mentors).reasons == (Reason("no_capacity"),)


def test_a_member_never_mentors_themselves() -> None:
    mentees, mentors = pools([mentee(42), mentee(43)], [mentor(42)])
    scores = score_matrix(mentees, mentors)
    assert scores[0, 0] == INFEASIBLE
    assert scores[1, 0] >= 0
    assert explain_pair(0, 0, mentees, mentors).reasons == (Reason("self"),)


def test_forbidden_pairs_are_infeasible() -> None:
    mentees, mentors = pools([mentee(), mentee(2)], [mentor()])
    scores = score_matrix(mentees, mentors, forbidden=[(1, 0)])
    assert scores[0, 0] >= 0
    assert scores[1, 0] == INFEASIBLE
    explanation = explain_pair(1, 0, mentees, mentors, forbidden=[(1, 0)])
    assert explanation.reasons == (Reason("forbidden_pair"),)


def test_every_blocking_reason_is_listed() -> None:
    mentees, mentors = pools(
        [mentee(5, languages=[0])], [mentor(5, languages=[1], capacity_left=0)]
    )
    reasons = explain_pair(0, 0, mentees, mentors, forbidden=[(0, 0)]).reasons
    assert [r.code for r in reasons] == [
        "self",
        "forbidden_pair",
        "no_shared_language",
        "no_capacity",
    ]


def test_out_of_range_forbidden_pairs_are_rejected() -> None:
    mentees, mentors = pools([mentee()], [mentor()])
    with pytest.raises(IndexError):
        score_matrix(mentees, mentors, forbidden=[(0, 3)])


@FAST
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), m=st.integers(1, 8))
def test_score_matrix_is_float32_between_0_and_100_with_the_sentinel_for_infeasible(
    seed: int, n: int, m: int
) -> None:
    mentees, mentors, forbidden = random_pools(seed, n, m)
    scores = score_matrix(mentees, mentors, forbidden=forbidden)
    assert scores.dtype == np.float32
    assert scores.shape == (n, m)
    infeasible = scores < 0
    assert (scores[infeasible] == INFEASIBLE).all()
    assert (scores[~infeasible] <= 100).all()


@FAST
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), m=st.integers(1, 8))
def test_vectorised_scores_match_the_reference_scorer(seed: int, n: int, m: int) -> None:
    mentees, mentors, forbidden = random_pools(seed, n, m)
    weights = random_weights(seed)
    scores = score_matrix(mentees, mentors, weights, forbidden=forbidden, block_rows=5)
    reference = np.array(
        [
            [
                score_pair_reference(
                    mentees.record(i), mentors.record(j), weights, forbidden=(i, j) in forbidden
                )
                for j in range(m)
            ]
            for i in range(n)
        ]
    )
    np.testing.assert_allclose(scores, reference, atol=1e-4, rtol=0)


@FAST
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 8), m=st.integers(1, 6))
def test_explanations_match_the_score_and_their_components_sum_to_it(
    seed: int, n: int, m: int
) -> None:
    mentees, mentors, forbidden = random_pools(seed, n, m)
    weights = random_weights(seed + 1)
    scores = score_matrix(mentees, mentors, weights, forbidden=forbidden)
    for i, j in itertools.product(range(n), range(m)):
        explanation = explain_pair(i, j, mentees, mentors, weights, forbidden=forbidden)
        assert explanation.feasible == (scores[i, j] >= 0)
        if explanation.feasible:
            assert set(explanation.contributions) == set(COMPONENTS)
            assert sum(explanation.contributions.values()) == pytest.approx(explanation.score)
            assert explanation.score == pytest.approx(float(scores[i, j]), abs=1e-4)
        else:
            assert explanation.reasons
            assert not explanation.contributions


# --- Candidates and assignment -------------------------------------------------------------------


def test_top_k_candidates_are_best_first_feasible_and_padded() -> None:
    scores = np.array([[10, -1, 30, 20], [-1, -1, 5, -1]], dtype=np.float32)
    candidates = top_k_candidates(scores, 3)
    assert candidates.tolist() == [[2, 3, 0], [2, -1, -1]]
    assert top_k_candidates(scores, 10).shape == (2, 4)


def test_optimal_beats_greedy_on_a_constructed_case() -> None:
    # Greedy gives mentee 0 their favourite, which leaves mentee 1 (who can only take
    # mentor 0) without anyone; the optimum swaps.
    scores = np.array([[90, 80], [85, INFEASIBLE]], dtype=np.float32)
    greedy = assign_greedy(scores, [1, 1])
    optimal = assign_optimal(scores, [1, 1])
    assert greedy.pairs.tolist() == [0, -1]
    assert optimal.pairs.tolist() == [1, 0]
    assert optimal.total_score > greedy.total_score
    assert optimal.coverage == 100.0
    assert greedy.coverage == 50.0


def test_greedy_serves_mentees_in_the_given_order() -> None:
    scores = np.array([[90, 80], [95, 10]], dtype=np.float32)
    assert assign_greedy(scores, [1, 1]).pairs.tolist() == [0, 1]
    assert assign_greedy(scores, [1, 1], order=[1, 0]).pairs.tolist() == [1, 0]


def test_greedy_falls_back_to_the_whole_row_once_its_shortlist_is_full() -> None:
    # 20 equal favourites with capacity 1 each, then a worse but free mentor for mentee 20.
    scores = np.full((21, 21), INFEASIBLE, dtype=np.float32)
    scores[:, :20] = 90
    scores[20, 20] = 10
    greedy = assign_greedy(scores, np.ones(21, dtype=int))
    assert greedy.pairs[20] == 20
    assert greedy.coverage == 100.0


def test_prioritising_coverage_matches_more_mentees_at_a_lower_total() -> None:
    scores = np.array([[100, 0], [0, INFEASIBLE]], dtype=np.float32)
    by_score = assign_optimal(scores, [1, 1])
    by_coverage = assign_optimal(scores, [1, 1], prioritise_coverage=True)
    assert by_score.total_score == pytest.approx(100)
    assert by_coverage.n_matched == 2
    assert by_coverage.total_score == pytest.approx(0)


@FAST
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), m=st.integers(1, 6))
def test_assignments_never_break_capacity_language_self_or_forbidden_pairs(
    seed: int, n: int, m: int
) -> None:
    mentees, mentors, forbidden = random_pools(seed, n, m)
    scores = score_matrix(mentees, mentors, forbidden=forbidden)
    caps = mentors.capacity_left
    forbidden_set = set(forbidden)
    for assignment in (
        assign_greedy(scores, caps),
        assign_optimal(scores, caps, candidates_per_mentee=3),
        assign_exact_dense(scores, caps),
    ):
        assert assignment_violations(assignment, scores, caps) == []
        load = np.bincount(assignment.pairs[assignment.pairs >= 0], minlength=m)
        assert (load <= caps).all()
        for i, j in assignment.matched_pairs():
            shared = int(mentees.languages[i]) & int(mentors.languages[j])
            assert shared
            assert mentees.member_id[i] != mentors.member_id[j]
            assert (i, j) not in forbidden_set


@FAST
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), m=st.integers(1, 4))
def test_optimal_round_equals_brute_force_and_exact_dense_on_small_instances(
    seed: int, n: int, m: int
) -> None:
    mentees, mentors, forbidden = random_pools(seed, n, m)
    rng = np.random.default_rng(seed)
    caps = rng.integers(1, 3, m)  # capacities 1-2, independent of the pool's own
    scores = score_matrix(mentees, mentors, forbidden=forbidden)
    best = brute_force_optimum(scores, caps)
    optimal = assign_optimal(scores, caps)
    dense = assign_exact_dense(scores, caps)
    # Costs are rounded to 1/1000 point per pair inside the flow.
    assert optimal.total_score == pytest.approx(best.total_score, abs=1e-3 * n)
    assert dense.total_score == pytest.approx(best.total_score, abs=1e-3)


def test_top_k_restriction_stays_close_to_the_exact_optimum() -> None:
    rng = np.random.default_rng(7)
    scores = rng.uniform(0, 100, (300, 60)).astype(np.float32)
    scores[rng.random(scores.shape) < 0.3] = INFEASIBLE
    caps = rng.integers(1, 4, 60)
    sparse = assign_optimal(scores, caps, candidates_per_mentee=10)
    exact = assign_exact_dense(scores, caps)
    assert sparse.total_score <= exact.total_score + 1e-3
    assert sparse.total_score >= 0.995 * exact.total_score


def test_assignment_summary_and_comparison() -> None:
    scores = np.array([[90, 80], [85, INFEASIBLE], [-1, -1]], dtype=np.float32)
    greedy = assign_greedy(scores, [1, 1])
    optimal = assign_optimal(scores, [1, 1])
    summary = optimal.summary()
    assert summary["matched"] == 2
    assert summary["coverage"] == pytest.approx(66.67)
    assert summary["min_score"] == pytest.approx(80)
    assert summary["mean_score"] == pytest.approx(82.5)
    table = compare(greedy, optimal)
    assert table["total_score"] == pytest.approx((90, 165, 75))
    assert table["matched"] == (1.0, 2.0, 1.0)


def test_empty_round_is_handled() -> None:
    scores = np.empty((0, 3), dtype=np.float32)
    for assignment in (assign_greedy(scores, [1, 1, 1]), assign_optimal(scores, [1, 1, 1])):
        assert assignment.coverage == 0.0
        assert assignment.total_score == 0.0
    nobody = Assignment.from_pairs([-1, -1], np.zeros((2, 1), dtype=np.float32))
    assert nobody.mean_score == 0.0


# --- Balance constraints ----------------------------------------------------------------------


def constrained_brute_force(
    scores: np.ndarray, caps: np.ndarray, feasible: object
) -> tuple[float, list[int] | None]:
    n, _ = scores.shape
    options = [[-1, *np.flatnonzero(scores[i] >= 0).tolist()] for i in range(n)]
    best, best_pairs = -1.0, None
    for combo in itertools.product(*options):
        used = [j for j in combo if j >= 0]
        if any(used.count(j) > caps[j] for j in set(used)):
            continue
        if not feasible(np.array(combo)):  # type: ignore[operator]
            continue
        total = sum(float(scores[i, j]) for i, j in enumerate(combo) if j >= 0)
        if total > best:
            best, best_pairs = total, list(combo)
    return best, best_pairs


def test_minimum_share_of_women_is_honoured() -> None:
    # Men score higher everywhere, so an unconstrained round would only match men.
    gender = np.array([MAN, MAN, MAN, WOMAN, WOMAN, WOMAN])
    scores = np.array([[90, 80], [88, 85], [87, 86], [60, 50], [55, 70], [40, 30]], np.float32)
    caps = np.array([2, 1])
    balance = Balance(groups={"gender": gender}, min_share_by_group={"gender": {WOMAN: 0.5}})
    unconstrained = assign_optimal(scores, caps)
    balanced = assign_optimal(scores, caps, balance=balance, mip_gap=0.0)
    assert (gender[unconstrained.pairs >= 0] == WOMAN).mean() == 0.0
    assert (gender[balanced.pairs >= 0] == WOMAN).mean() >= 0.5
    assert balanced.status == "optimal"
    assert balanced.feasible
    expected, _ = constrained_brute_force(
        scores, caps, lambda p: p[p >= 0].size == 0 or (gender[p >= 0] == WOMAN).mean() >= 0.5
    )
    assert balanced.total_score == pytest.approx(expected, abs=1e-3)


def test_every_region_is_represented_when_possible() -> None:
    region = np.array([0, 0, 0, 1])
    scores = np.array([[90, 90], [91, 92], [93, 94], [10, 5]], np.float32)
    caps = np.array([1, 2])
    balance = Balance(groups={"region": region}, every_region_represented=True)
    balanced = assign_optimal(scores, caps, balance=balance, mip_gap=0.0)
    assert 3 in np.flatnonzero(balanced.pairs >= 0)
    assert set(region[balanced.pairs >= 0]) == {0, 1}
    assert balanced.n_matched == 3


def test_balance_already_met_keeps_the_unconstrained_optimum() -> None:
    scores = np.array([[90, 10], [10, 90]], np.float32)
    balance = Balance(
        groups={"gender": np.array([MAN, WOMAN]), "region": np.array([0, 1])},
        min_share_by_group={"gender": {WOMAN: 0.4}},
        every_region_represented=True,
    )
    balanced = assign_optimal(scores, [1, 1], balance=balance)
    assert balanced.pairs.tolist() == [0, 1]
    assert balanced.optimality_gap == 0.0


def test_a_region_nobody_can_be_matched_in_is_reported_as_unmet() -> None:
    region = np.array([0, 0, 2])
    scores = np.array([[90, 80], [70, 60], [INFEASIBLE, INFEASIBLE]], np.float32)
    balance = Balance(groups={"region": region}, every_region_represented=True)
    result = assign_optimal(scores, [1, 1], balance=balance)
    assert result.status == "balance_infeasible"
    assert not result.feasible
    assert [(u.code, u.params["region"]) for u in result.unmet] == [("region_not_represented", 2)]
    # The pairs are still the unconstrained optimum, for preview.
    assert result.total_score == pytest.approx(150)


def test_shares_that_cannot_hold_together_are_reported() -> None:
    gender = np.array([MAN, WOMAN, 2, MAN])
    scores = np.full((4, 2), 50, np.float32)
    balance = Balance(
        groups={"gender": gender, "region": np.zeros(4, dtype=int)},
        min_share_by_group={"gender": {WOMAN: 0.6, 2: 0.6}},
        every_region_represented=True,
    )
    result = assign_optimal(scores, [2, 2], balance=balance)
    assert result.status == "balance_infeasible"
    assert {u.code for u in result.unmet} == {"min_share"}
    assert all(u.params["shortfall_mentees"] > 0 for u in result.unmet)


def test_balance_built_for_a_mentee_pool_uses_its_gender_and_region() -> None:
    mentees, _ = pools([mentee(1, gender=MAN, region=0), mentee(2, gender=WOMAN, region=4)], [])
    balance = Balance.for_mentees(
        mentees, min_share_by_group={"gender": {WOMAN: 0.5}}, every_region_represented=True
    )
    codes = [row[0].code for row in balance.constraint_rows(2)]
    assert codes == ["min_share", "region_not_represented", "region_not_represented"]
    with pytest.raises(ValueError):
        Balance(groups={}, min_share_by_group={"gender": {WOMAN: 0.5}})
    with pytest.raises(ValueError):
        Balance(groups={"gender": np.zeros(2)}, min_share_by_group={"gender": {WOMAN: 1.5}})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6), m=st.integers(1, 3))
def test_balanced_round_equals_the_constrained_brute_force(seed: int, n: int, m: int) -> None:
    mentees, mentors, forbidden = random_pools(seed, n, m)
    rng = np.random.default_rng(seed)
    caps = rng.integers(1, 3, m)
    scores = score_matrix(mentees, mentors, forbidden=forbidden)
    share = float(rng.choice([0.3, 0.5, 0.7]))
    balance = Balance.for_mentees(
        mentees, min_share_by_group={"gender": {WOMAN: share}}, every_region_represented=True
    )
    gender, region = mentees.gender, mentees.region

    def meets(p: np.ndarray) -> bool:
        matched = p >= 0
        share_ok = (gender[matched] == WOMAN).sum() >= share * matched.sum() - 1e-9
        return share_ok and set(region[matched]) == set(region)

    expected, _ = constrained_brute_force(scores, caps, meets)
    result = assign_optimal(scores, caps, balance=balance, mip_gap=0.0)
    if expected < 0:
        assert result.status == "balance_infeasible"
        assert result.unmet
    else:
        assert result.status == "optimal"
        assert meets(result.pairs)
        assert assignment_violations(result, scores, caps) == []
        assert result.total_score == pytest.approx(expected, abs=1e-3)
