from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from network.directory_index import (
    SORTS,
    DirectoryIndex,
    DirectoryQuery,
    DirectoryResult,
    MemberRow,
)

ROLES = ("young_leader", "parliamentarian", "party_staff", "alliance_staff", "moderator")

# --- helpers -----------------------------------------------------------------------------------


def row(user_id, **overrides):
    name = overrides.pop("name", f"member {user_id:04d}")
    fields = {
        "user_id": user_id,
        "listed_to": 0,
        "bio_audience": 0,
        "role": "young_leader",
        "region_id": None,
        "country_id": None,
        "party_id": None,
        "verified": False,
        "open_to_mentor": False,
        "open_to_mentee": False,
        "sort_name": name.lower(),
        "joined": user_id,
        "base_words": tuple(name.lower().split()),
        "bio_words": (),
        "topic_ids": (),
        "language_ids": (),
    }
    fields.update(overrides)
    return MemberRow(**fields)


def search(index, tier=3, **query):
    query.setdefault("limit", 1000)
    return index.search(DirectoryQuery(tier=tier, **query))


def found(index, tier=3, **query):
    return search(index, tier, **query).user_ids


def name_order(rows):
    return [r.user_id for r in sorted(rows, key=lambda r: (r.sort_name, r.user_id))]


def newest_order(rows):
    return [r.user_id for r in sorted(rows, key=lambda r: (-r.joined, r.user_id))]


# --- listing -----------------------------------------------------------------------------------


def test_member_listed_to_tier_two_is_hidden_from_tiers_zero_and_one():
    index = DirectoryIndex([row(1), row(2, listed_to=2)])
    for tier in (0, 1):
        result = search(index, tier)
        assert result.user_ids == [1]
        assert result.count == 1
    for tier in (2, 3):
        result = search(index, tier)
        assert result.user_ids == [1, 2]
        assert result.count == 2


def test_listing_rule_also_applies_to_word_searches():
    index = DirectoryIndex([row(1, name="ann lee"), row(2, name="ann kay", listed_to=2)])
    assert found(index, 1, terms=("ann",)) == [1]
    assert search(index, 1, terms=("ann",)).count == 1
    assert found(index, 2, terms=("ann",)) == [2, 1]


def test_member_listed_to_tier_zero_is_seen_by_every_tier():
    index = DirectoryIndex([row(1)])
    for tier in range(4):
        assert found(index, tier) == [1]


def test_negative_tier_viewer_sees_nobody():
    index = DirectoryIndex([row(1), row(2, bio_words=("climate",))])
    result = search(index, -1, terms=("climate",))
    assert result.user_ids == []
    assert result.count == 0


# --- bio privacy -------------------------------------------------------------------------------


def test_word_only_in_restricted_bio_matches_only_for_tiers_allowed_to_read_it():
    index = DirectoryIndex([row(1, bio_words=("climate",), bio_audience=2)])
    for tier in (0, 1):
        for term in ("climate", "clim"):
            result = search(index, tier, terms=(term,))
            assert result.user_ids == []
            assert result.count == 0
            assert result.has_next is False
    for tier in (2, 3):
        assert found(index, tier, terms=("climate",)) == [1]
        assert found(index, tier, terms=("clim",)) == [1]


def test_count_never_betrays_a_hidden_bio_match():
    index = DirectoryIndex(
        [
            row(1, bio_words=("climate",), bio_audience=3),
            row(2, bio_words=("climate",), bio_audience=0),
            row(3, bio_words=("climate",), bio_audience=1),
        ]
    )
    assert search(index, 0, terms=("climate",)).count == 1
    assert search(index, 1, terms=("climate",)).count == 2
    assert search(index, 3, terms=("climate",)).count == 3
    result = search(index, 0, terms=("clim",), limit=1)
    assert (result.user_ids, result.count, result.has_next) == ([2], 1, False)


def test_base_word_matches_for_every_tier_that_may_list_the_member():
    index = DirectoryIndex(
        [row(1, listed_to=1, base_words=("engineer",), bio_audience=4, bio_words=("secret",))]
    )
    assert found(index, 0, terms=("engineer",)) == []
    for tier in (1, 2, 3):
        assert found(index, tier, terms=("engineer",)) == [1]
        assert found(index, tier, terms=("engin",)) == [1]


def test_only_me_bio_is_never_matched_by_directory_tiers():
    index = DirectoryIndex([row(1, bio_audience=4, bio_words=("diary",))])
    for tier in range(4):
        assert found(index, tier, terms=("diary",)) == []


def test_out_of_range_bio_audience_is_clamped():
    index = DirectoryIndex(
        [
            row(1, bio_audience=9, bio_words=("diary",)),
            row(2, bio_audience=-3, bio_words=("open",)),
        ]
    )
    assert found(index, 3, terms=("diary",)) == []
    assert found(index, 0, terms=("open",)) == [2]


def test_word_in_base_and_hidden_bio_still_matches_through_base():
    index = DirectoryIndex(
        [row(1, base_words=("climate",), bio_audience=3, bio_words=("climate",))]
    )
    assert found(index, 0, terms=("climate",)) == [1]


# --- words -------------------------------------------------------------------------------------


@pytest.fixture
def worded():
    return DirectoryIndex(
        [
            row(1, name="a", base_words=("care", "economy")),
            row(2, name="b", base_words=("care",)),
            row(3, name="c", base_words=("economy",)),
            row(4, name="d", base_words=("career", "ecology")),
        ]
    )


def test_every_term_must_match(worded):
    assert found(worded, terms=("care", "economy")) == [1]
    assert found(worded, terms=("economy", "care")) == [1]


def test_last_term_matches_as_a_prefix(worded):
    assert found(worded, terms=("care", "econ")) == [1]
    assert found(worded, terms=("econ",)) == [1, 3]
    assert found(worded, terms=("ec",)) == [1, 3, 4]
    assert found(worded, terms=("care",)) == [1, 2, 4]


def test_earlier_terms_match_whole_words_only(worded):
    assert found(worded, terms=("car", "econ")) == []
    assert found(worded, terms=("econ", "care")) == []
    assert found(worded, terms=("care", "ecol")) == []
    assert found(worded, terms=("career", "ecol")) == [4]


def test_a_term_does_not_match_inside_a_word(worded):
    assert found(worded, terms=("conomy",)) == []
    assert found(worded, terms=("are",)) == []


def test_repeated_term_needs_the_whole_word_once_and_the_prefix_once(worded):
    assert found(worded, terms=("care", "care")) == [1, 2]
    assert found(worded, terms=("career", "care")) == [4]


def test_unknown_word_finds_nobody(worded):
    result = search(worded, terms=("zzz",))
    assert (result.user_ids, result.count, result.capped, result.has_next) == ([], 0, False, False)


def test_terms_may_match_one_in_base_and_another_in_bio():
    index = DirectoryIndex([row(1, base_words=("amina",), bio_words=("climate",))])
    assert found(index, 0, terms=("amina", "clim")) == [1]
    assert found(index, 0, terms=("climate", "ami")) == [1]
    assert found(index, 0, terms=("amina", "climate", "am")) == [1]


def test_term_split_across_base_and_hidden_bio_does_not_match():
    index = DirectoryIndex([row(1, base_words=("amina",), bio_words=("climate",), bio_audience=2)])
    assert found(index, 1, terms=("amina", "clim")) == []
    assert found(index, 2, terms=("amina", "clim")) == [1]


# --- column filters ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_role_filter_finds_only_that_role(role):
    index = DirectoryIndex([row(i + 1, role=r) for i, r in enumerate(ROLES)])
    assert found(index, role=role) == [ROLES.index(role) + 1]


def test_unknown_role_filter_finds_nobody():
    index = DirectoryIndex([row(1), row(2, role="moderator")])
    assert found(index, role="somebody") == []


@pytest.mark.parametrize("column", ["region_id", "country_id", "party_id"])
def test_place_and_party_filters_match_the_exact_id(column):
    index = DirectoryIndex(
        [row(1, **{column: 7}), row(2, **{column: 8}), row(3), row(4, **{column: 7})]
    )
    assert found(index, **{column: 7}) == [1, 4]
    assert found(index, **{column: 8}) == [2]
    assert found(index, **{column: 9}) == []
    assert found(index, **{column: None}) == [1, 2, 3, 4]


@pytest.mark.parametrize("flag", ["verified", "open_to_mentor", "open_to_mentee"])
def test_flag_filters_keep_only_members_with_the_flag(flag):
    index = DirectoryIndex([row(1, **{flag: True}), row(2), row(3, **{flag: True})])
    assert found(index, **{flag: True}) == [1, 3]
    assert found(index, **{flag: False}) == [1, 2, 3]


def test_flag_filters_are_independent():
    index = DirectoryIndex(
        [
            row(1, verified=True),
            row(2, open_to_mentor=True),
            row(3, open_to_mentee=True),
            row(4, verified=True, open_to_mentor=True, open_to_mentee=True),
        ]
    )
    assert found(index, verified=True) == [1, 4]
    assert found(index, open_to_mentor=True) == [2, 4]
    assert found(index, open_to_mentee=True) == [3, 4]
    assert found(index, open_to_mentor=True, open_to_mentee=True) == [4]


def test_topic_and_language_filters_use_the_member_tags():
    index = DirectoryIndex(
        [
            row(1, topic_ids=(5, 6), language_ids=(1,)),
            row(2, topic_ids=(6,), language_ids=(5,)),
            row(3, topic_ids=(), language_ids=(1, 2)),
        ]
    )
    assert found(index, topic_id=5) == [1]
    assert found(index, topic_id=6) == [1, 2]
    assert found(index, language_id=5) == [2]
    assert found(index, language_id=1) == [1, 3]
    assert found(index, topic_id=6, language_id=1) == [1]
    assert found(index, topic_id=50) == []
    assert found(index, topic_id=1) == []


def test_combined_filters_and_words_must_all_hold():
    rows = [
        row(1, role="parliamentarian", country_id=3, verified=True, topic_ids=(2,)),
        row(2, role="parliamentarian", country_id=3, verified=True, topic_ids=(1,)),
        row(3, role="parliamentarian", country_id=4, verified=True, topic_ids=(2,)),
        row(4, role="party_staff", country_id=3, verified=True, topic_ids=(2,)),
        row(5, role="parliamentarian", country_id=3, verified=False, topic_ids=(2,)),
        row(6, role="parliamentarian", country_id=3, verified=True, topic_ids=(2,), listed_to=2),
        row(7, role="parliamentarian", country_id=3, verified=True, topic_ids=(2,)),
    ]
    index = DirectoryIndex(rows)
    query = {"role": "parliamentarian", "country_id": 3, "verified": True, "topic_id": 2}
    assert found(index, 1, **query) == [1, 7]
    assert found(index, 2, **query) == [1, 6, 7]
    assert found(index, 1, terms=("member", "0007"), **query) == [7]
    assert search(index, 1, **query).count == 2


# --- sorts -------------------------------------------------------------------------------------


def test_name_sort_orders_by_sort_name_then_user_id():
    rows = [
        row(5, name="zoe"),
        row(3, name="ann lee"),
        row(9, name="bob"),
        row(1, name="bob"),
        row(2, name="ann"),
    ]
    index = DirectoryIndex(rows)
    assert found(index, sort="name") == [2, 3, 1, 9, 5]


def test_newest_sort_orders_by_joined_descending_then_user_id():
    rows = [row(1, joined=10), row(2, joined=30), row(3, joined=20), row(4, joined=30), row(5)]
    index = DirectoryIndex(rows)
    assert found(index, sort="newest") == [2, 4, 3, 1, 5]
    assert search(index, sort="newest").sort == "newest"


def test_newest_sort_accepts_datetimes():
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        row(4, joined=start),
        row(2, joined=start + timedelta(days=2)),
        row(3, joined=start + timedelta(days=1)),
        row(1, joined=start + timedelta(days=2)),
    ]
    index = DirectoryIndex(rows)
    assert found(index, sort="newest") == [1, 2, 3, 4]


def test_newest_sort_accepts_iso_text():
    rows = [row(1, joined="2024-01-02 10:00:00"), row(2, joined="2024-03-01 09:00:00")]
    index = DirectoryIndex(rows)
    assert found(index, sort="newest") == [2, 1]


def named_rows():
    return [
        row(1, name="bob smith", base_words=("bob", "smith", "annapolis")),
        row(2, name="maria annan"),
        row(3, name="joanna xu", base_words=("joanna", "xu", "annual")),
        row(4, name="ann lee"),
        row(5, name="carl dunn", base_words=("carl", "dunn")),
        row(6, name="annabel zed"),
    ]


@pytest.fixture
def named():
    return DirectoryIndex(named_rows())


def test_relevance_puts_names_with_a_word_starting_with_the_first_term_first(named):
    result = search(named, terms=("ann",), sort="relevance")
    assert result.user_ids == [4, 6, 2, 1, 3]
    assert result.sort == "relevance"
    assert search(named, terms=("ann",), sort="name").user_ids == [4, 6, 1, 3, 2]


def test_relevance_ranks_by_the_first_term_not_the_last():
    index = DirectoryIndex(
        [
            row(1, name="ann smith"),
            row(2, name="ann zed", base_words=("ann", "zed", "smith")),
            row(3, name="smith ann"),
        ]
    )
    assert found(index, terms=("smith", "ann"), sort="relevance") == [1, 3, 2]
    assert found(index, terms=("ann", "smi"), sort="relevance") == [1, 2, 3]


def test_relevance_pages_continue_across_the_name_hits(named):
    first = search(named, terms=("ann",), sort="relevance", limit=2)
    second = search(named, terms=("ann",), sort="relevance", offset=2, limit=2)
    third = search(named, terms=("ann",), sort="relevance", offset=4, limit=2)
    assert (first.user_ids, first.has_next) == ([4, 6], True)
    assert (second.user_ids, second.has_next) == ([2, 1], True)
    assert (third.user_ids, third.has_next) == ([3], False)


def test_relevance_without_terms_is_name_order(named):
    result = search(named, sort="relevance")
    assert result.sort == "name"
    assert result.user_ids == [4, 6, 1, 5, 3, 2]


def test_relevance_at_the_cap_is_kept(named):
    result = search(named, terms=("ann",), sort="relevance", count_cap=5)
    assert (result.sort, result.capped, result.count) == ("relevance", False, 5)
    assert result.user_ids == [4, 6, 2, 1, 3]


def test_relevance_past_the_cap_falls_back_to_name(named):
    result = search(named, terms=("ann",), sort="relevance", count_cap=4)
    assert (result.sort, result.capped, result.count) == ("name", True, 4)
    assert result.user_ids == [4, 6, 1, 3, 2]


def test_unknown_sort_is_name_order(named):
    result = search(named, sort="bogus")
    assert result.sort == "name"
    assert result.user_ids == [4, 6, 1, 5, 3, 2]


def test_name_and_newest_sorts_are_reported_as_applied(named):
    assert search(named, sort="name", count_cap=1).sort == "name"
    assert search(named, sort="newest", count_cap=1).sort == "newest"
    assert search(named, terms=("ann",), sort="newest").user_ids == [6, 4, 3, 2, 1]


# --- paging and counting -----------------------------------------------------------------------


@pytest.fixture
def ten():
    return DirectoryIndex([row(i) for i in range(1, 11)])


def test_offset_and_limit_cut_a_page(ten):
    result = search(ten, offset=0, limit=3)
    assert (result.user_ids, result.has_next, result.count) == ([1, 2, 3], True, 10)
    result = search(ten, offset=3, limit=3)
    assert (result.user_ids, result.has_next) == ([4, 5, 6], True)
    result = search(ten, offset=7, limit=3)
    assert (result.user_ids, result.has_next) == ([8, 9, 10], False)
    result = search(ten, offset=9, limit=3)
    assert (result.user_ids, result.has_next) == ([10], False)


def test_page_past_the_end_is_empty_but_still_counts(ten):
    result = search(ten, offset=20, limit=5)
    assert (result.user_ids, result.has_next, result.count, result.capped) == ([], False, 10, False)


def test_newest_pages(ten):
    assert search(ten, sort="newest", offset=2, limit=3).user_ids == [8, 7, 6]


def test_default_limit_is_twenty():
    index = DirectoryIndex([row(i) for i in range(1, 31)])
    result = index.search(DirectoryQuery(tier=0))
    assert result.user_ids == list(range(1, 21))
    assert result.has_next is True


def test_count_is_capped_and_says_so(ten):
    result = search(ten, count_cap=4, limit=3)
    assert (result.count, result.capped, result.has_next) == (4, True, True)
    assert result.user_ids == [1, 2, 3]
    exact = search(ten, count_cap=10)
    assert (exact.count, exact.capped) == (10, False)
    above = search(ten, count_cap=11)
    assert (above.count, above.capped) == (10, False)


def test_capped_count_does_not_stop_paging(ten):
    result = search(ten, count_cap=4, offset=6, limit=3)
    assert (result.user_ids, result.has_next) == ([7, 8, 9], True)


def test_empty_index_finds_nobody():
    index = DirectoryIndex([])
    for sort in SORTS:
        result = search(index, sort=sort, terms=("a",))
        assert (result.user_ids, result.count, result.capped, result.has_next) == (
            [],
            0,
            False,
            False,
        )
    assert len(index) == 0


# --- updates -----------------------------------------------------------------------------------


def warm(index):
    for sort in ("name", "newest"):
        search(index, sort=sort)


@pytest.mark.parametrize("warmed", [False, True])
def test_changed_member_is_found_by_new_words_and_not_old(warmed):
    index = DirectoryIndex([row(1, base_words=("care",)), row(2, base_words=("care",))])
    if warmed:
        warm(index)
    index.apply([row(1, base_words=("economy",), bio_words=("climate",))])
    assert found(index, terms=("care",)) == [2]
    assert found(index, terms=("econ",)) == [1]
    assert found(index, terms=("clim",)) == [1]
    assert len(index) == 2
    assert search(index).count == 2


@pytest.mark.parametrize("warmed", [False, True])
def test_changed_member_attributes_replace_the_old_ones(warmed):
    index = DirectoryIndex(
        [row(1, role="parliamentarian", region_id=1, verified=True, topic_ids=(3,)), row(2)]
    )
    if warmed:
        warm(index)
    index.apply([row(1, role="party_staff", region_id=2, listed_to=2, language_ids=(4,))])
    assert found(index, role="parliamentarian") == []
    assert found(index, role="party_staff") == [1]
    assert found(index, region_id=1) == []
    assert found(index, region_id=2) == [1]
    assert found(index, verified=True) == []
    assert found(index, topic_id=3) == []
    assert found(index, language_id=4) == [1]
    assert found(index, 1) == [2]
    assert found(index, 2) == [1, 2]


def test_changed_bio_audience_hides_bio_words_from_lower_tiers():
    index = DirectoryIndex([row(1, bio_words=("climate",))])
    warm(index)
    assert found(index, 0, terms=("climate",)) == [1]
    index.apply([row(1, bio_words=("climate",), bio_audience=3)])
    assert found(index, 0, terms=("climate",)) == []
    assert search(index, 0, terms=("climate",)).count == 0
    assert found(index, 3, terms=("climate",)) == [1]


@pytest.mark.parametrize("warmed", [False, True])
def test_removed_members_vanish(warmed):
    index = DirectoryIndex([row(i, base_words=("care",)) for i in range(1, 6)])
    if warmed:
        warm(index)
    index.apply([], removed=[2, 4])
    assert found(index) == [1, 3, 5]
    assert found(index, sort="newest") == [5, 3, 1]
    assert found(index, terms=("care",)) == [1, 3, 5]
    assert search(index).count == 3
    assert len(index) == 3


def test_removing_an_unknown_member_is_harmless():
    index = DirectoryIndex([row(1)])
    warm(index)
    index.apply([], removed=[99, 1, 1])
    assert found(index) == []
    assert len(index) == 0


def test_removed_member_can_come_back():
    index = DirectoryIndex([row(1), row(2)])
    warm(index)
    index.apply([], removed=[1])
    index.apply([row(1, base_words=("back",))])
    assert found(index) == [1, 2]
    assert found(index, terms=("back",)) == [1]
    assert len(index) == 2


def test_member_changed_twice_in_one_batch_keeps_the_last_version():
    index = DirectoryIndex([row(1), row(2)])
    warm(index)
    index.apply([row(1, base_words=("first",)), row(1, base_words=("second",), joined=50)])
    assert found(index, terms=("first",)) == []
    assert found(index, terms=("second",)) == [1]
    assert found(index, sort="newest") == [1, 2]
    assert found(index) == [1, 2]
    assert len(index) == 2


def _update_scenario(warmed, batch):
    start = [row(i * 10, name=f"m{i:03d}", joined=i * 10) for i in range(1, 21)]
    index = DirectoryIndex(start, expected=len(start))
    if warmed:
        warm(index)
    current = {r.user_id: r for r in start}
    new = [row(1000 + i, name=f"m{(i * 7) % 25:03d}x", joined=(i * 37) % 230) for i in range(batch)]
    changed = [row(30, name="zzz", joined=0), row(100, name="a", joined=10_000)]
    removed = [50, 150]
    index.apply(new + changed, removed=removed)
    for r in new + changed:
        current[r.user_id] = r
    for user_id in removed:
        del current[user_id]
    return index, current


@pytest.mark.parametrize("warmed", [False, True])
@pytest.mark.parametrize("batch", [3, 60, 61, 100])
def test_new_members_take_their_place_in_name_and_newest_orders(warmed, batch):
    index, current = _update_scenario(warmed, batch)
    rows = list(current.values())
    assert found(index, limit=10_000) == name_order(rows)
    assert found(index, sort="newest", limit=10_000) == newest_order(rows)
    assert len(index) == len(rows)
    assert search(index).count == len(rows)


def test_alternating_small_and_large_batches_keep_orders_right():
    rng = random.Random(7)
    current = {
        i: row(i, name=f"n{rng.randrange(50):02d}", joined=rng.randrange(40)) for i in range(1, 101)
    }
    index = DirectoryIndex(current.values(), expected=len(current))
    next_id = 101
    for size in (5, 80, 1, 64, 65, 2, 200, 3):
        warm(index)
        changes = []
        for _ in range(size):
            if rng.random() < 0.5 and current:
                user_id = rng.choice(sorted(current))
            else:
                user_id, next_id = next_id, next_id + 1
            changes.append(row(user_id, name=f"n{rng.randrange(50):02d}", joined=rng.randrange(40)))
        removed = rng.sample(sorted(current), min(3, len(current)))
        index.apply(changes, removed=removed)
        for user_id in removed:
            current.pop(user_id, None)
        for r in changes:
            current[r.user_id] = r
        rows = list(current.values())
        assert found(index, limit=10_000) == name_order(rows)
        assert found(index, sort="newest", limit=10_000) == newest_order(rows)
        assert len(index) == len(current)


def test_len_counts_live_members_not_slots():
    index = DirectoryIndex([row(1), row(2), row(3, listed_to=3)])
    assert len(index) == 3
    index.apply([row(1), row(2), row(4)])
    assert len(index) == 4
    index.apply([], removed=[3])
    assert len(index) == 3


def test_needs_rebuild_after_many_appended_slots_on_a_small_index():
    index = DirectoryIndex([row(i) for i in range(1, 11)])
    assert index.needs_rebuild is False
    index.apply([row(1000 + i) for i in range(999)])
    assert index.needs_rebuild is False
    index.apply([row(1)])  # a change appends a slot too
    assert index.needs_rebuild is False
    index.apply([row(2)])
    assert index.needs_rebuild is True


def test_needs_rebuild_threshold_grows_with_a_large_index():
    rows = [row(i) for i in range(10_000)]
    index = DirectoryIndex(rows, expected=len(rows))
    index.apply(rows[:2000])
    assert index.needs_rebuild is False
    assert len(index) == 10_000
    index.apply(rows[:1])
    assert index.needs_rebuild is True


def test_removals_alone_do_not_need_a_rebuild():
    index = DirectoryIndex([row(i) for i in range(2000)])
    index.apply([], removed=list(range(1500)))
    assert index.needs_rebuild is False
    assert len(index) == 500


# --- capacity growth ---------------------------------------------------------------------------


def test_appending_far_more_rows_than_the_initial_capacity_works():
    index = DirectoryIndex([], expected=0)
    rows = [
        row(
            i,
            name=f"x{(i * 7919) % 600:04d}",
            joined=(i * 31) % 97,
            verified=i % 3 == 0,
            region_id=i % 5,
            listed_to=i % 4,
            topic_ids=(i % 7,),
            base_words=(f"w{i}",),
        )
        for i in range(1, 601)
    ]
    index.apply(rows)
    assert len(index) == 600
    assert found(index, 3, limit=10_000) == name_order(rows)
    assert found(index, 3, sort="newest", limit=10_000) == newest_order(rows)
    assert found(index, 0, verified=True, region_id=2, limit=10_000) == name_order(
        [r for r in rows if r.verified and r.region_id == 2 and r.listed_to == 0]
    )
    assert found(index, 3, terms=("w599",)) == [599]
    assert found(index, 3, topic_id=6, limit=10_000) == name_order(
        [r for r in rows if r.topic_ids == (6,)]
    )
    assert search(index, 1).count == sum(r.listed_to <= 1 for r in rows)


def test_growing_in_small_batches_with_warm_orders_works():
    index = DirectoryIndex([], expected=0)
    warm(index)
    rows = []
    for start in range(1, 601, 10):
        batch = [
            row(i, name=f"x{(i * 7919) % 600:04d}", joined=(i * 31) % 97, listed_to=i % 2)
            for i in range(start, start + 10)
        ]
        index.apply(batch)
        rows += batch
        warm(index)
    assert found(index, 3, limit=10_000) == name_order(rows)
    assert found(index, 3, sort="newest", limit=10_000) == newest_order(rows)
    assert found(index, 0, limit=10_000) == name_order([r for r in rows if r.listed_to == 0])


# --- randomised comparison with a reference ----------------------------------------------------

VOCABULARY = (
    "care",
    "career",
    "careful",
    "car",
    "economy",
    "econ",
    "ecology",
    "east",
    "easter",
    "education",
    "labour",
    "lab",
    "label",
    "union",
    "unity",
    "uni",
    "youth",
    "you",
    "young",
    "green",
    "greenland",
    "climate",
    "clinic",
    "peace",
    "pea",
    "justice",
    "just",
)
FIRST_NAMES = ("ann", "anna", "annabel", "bob", "carl", "carla", "eco", "lab", "una", "young")
LAST_NAMES = ("annan", "careless", "eastwood", "green", "labarde", "union", "young", "peace")
START = datetime(2020, 1, 1, tzinfo=UTC)


def random_member(rng, user_id):
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    base = set(name.split()) | set(rng.sample(VOCABULARY, rng.randint(0, 3)))
    bio = set(rng.sample(VOCABULARY, rng.randint(0, 4))) - base
    return row(
        user_id,
        name=name,
        listed_to=rng.choice((0, 0, 0, 1, 2, 3)),
        bio_audience=rng.randint(0, 4),
        role=rng.choice(ROLES),
        region_id=rng.choice((None, 1, 2, 3)),
        country_id=rng.choice((None, 1, 2, 3, 4)),
        party_id=rng.choice((None, 1, 2, 3)),
        verified=rng.random() < 0.4,
        open_to_mentor=rng.random() < 0.3,
        open_to_mentee=rng.random() < 0.3,
        joined=START + timedelta(days=rng.randint(0, 40)),
        base_words=tuple(sorted(base)),
        bio_words=tuple(sorted(bio)),
        topic_ids=tuple(rng.sample(range(1, 7), rng.randint(0, 3))),
        language_ids=tuple(rng.sample(range(1, 5), rng.randint(0, 2))),
    )


def random_term(rng):
    names = FIRST_NAMES + LAST_NAMES
    word = rng.choice(VOCABULARY + names + names + ("zzz",))
    return word if rng.random() < 0.5 else word[: rng.randint(1, len(word))]


def random_query(rng):
    def maybe(values):
        return rng.choice(values) if rng.random() < 0.15 else None

    return DirectoryQuery(
        tier=rng.choice((0, 0, 1, 2, 3, 3, 4)),
        terms=tuple(random_term(rng) for _ in range(rng.choice((0, 0, 0, 1, 1, 1, 1, 2, 2, 3)))),
        role=maybe(ROLES),
        region_id=maybe((1, 2, 3, 4)),
        country_id=maybe((1, 2, 3, 4)),
        party_id=maybe((1, 2, 3)),
        topic_id=maybe((1, 2, 3, 4, 5, 6)),
        language_id=maybe((1, 2, 3, 4)),
        verified=rng.random() < 0.15,
        open_to_mentor=rng.random() < 0.1,
        open_to_mentee=rng.random() < 0.1,
        sort=rng.choice((*SORTS, *SORTS, "bogus")),
        offset=rng.choice((0, 0, 0, rng.randint(0, 60))),
        limit=rng.randint(1, 25),
        count_cap=rng.choice((3, 10, 40, 1000)),
    )


def _clamp(value, top):
    return min(max(int(value), 0), top)


def reference_search(members, query):
    terms = query.terms
    hits = []
    for m in members.values():
        if _clamp(m.listed_to, 127) > query.tier:
            continue
        if query.role is not None and m.role != query.role:
            continue
        if any(
            wanted is not None and value != wanted
            for wanted, value in (
                (query.region_id, m.region_id),
                (query.country_id, m.country_id),
                (query.party_id, m.party_id),
            )
        ):
            continue
        if (query.verified and not m.verified) or (query.open_to_mentor and not m.open_to_mentor):
            continue
        if query.open_to_mentee and not m.open_to_mentee:
            continue
        if query.topic_id is not None and query.topic_id not in m.topic_ids:
            continue
        if query.language_id is not None and query.language_id not in m.language_ids:
            continue
        if terms:
            words = set(m.base_words)
            if _clamp(m.bio_audience, 4) <= _clamp(query.tier, 4):
                words |= set(m.bio_words)
            *whole, last = terms
            if not all(term in words for term in whole):
                continue
            if not any(word.startswith(last) for word in words):
                continue
        hits.append(m)

    sort = query.sort if query.sort in SORTS else "name"
    if sort == "relevance" and not terms:
        sort = "name"
    capped = len(hits) > query.count_cap
    if capped and sort == "relevance":
        sort = "name"
    hits.sort(key=lambda m: (m.sort_name, m.user_id))
    if sort == "newest":
        hits.sort(key=lambda m: m.user_id)
        hits.sort(key=lambda m: m.joined, reverse=True)  # stable: ties stay by user id
    elif sort == "relevance":
        first = terms[0]
        hits.sort(key=lambda m: not any(w.startswith(first) for w in m.sort_name.split(" ")))
    end = query.offset + query.limit
    return DirectoryResult(
        user_ids=[m.user_id for m in hits[query.offset : end]],
        count=min(len(hits), query.count_cap),
        capped=capped,
        has_next=len(hits) > end,
        sort=sort,
    )


def check_queries(rng, index, members, n):
    for _ in range(n):
        query = random_query(rng)
        assert index.search(query) == reference_search(members, query), query
    assert len(index) == len(members)


def random_changes(rng, members, next_id, changes, additions, removals):
    picked = rng.sample(sorted(members), changes + removals)
    rows = [random_member(rng, uid) for uid in picked[:changes]]
    rows += [random_member(rng, next_id + i) for i in range(additions)]
    removed = picked[changes:]
    return rows, removed, next_id + additions


def test_reference_agrees_with_hand_written_expectations(named):
    members = {r.user_id: r for r in named_rows()}
    query = DirectoryQuery(tier=0, terms=("ann",), sort="relevance", limit=100)
    assert reference_search(members, query).user_ids == [4, 6, 2, 1, 3]
    assert named.search(query) == reference_search(members, query)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_queries_match_the_reference_before_and_after_updates(seed):
    rng = random.Random(seed)
    members = {uid: random_member(rng, uid) for uid in range(1, 301)}
    index = DirectoryIndex(list(members.values()), expected=len(members))
    check_queries(rng, index, members, 200)

    next_id = 301
    # small batches adjust the warm orders in place; a big one regenerates them
    for changes, additions, removals in ((5, 4, 3), (20, 20, 20), (40, 40, 10), (1, 0, 0)):
        rows, removed, next_id = random_changes(rng, members, next_id, changes, additions, removals)
        index.apply(rows, removed=removed)
        for user_id in removed:
            del members[user_id]
        for r in rows:
            members[r.user_id] = r
        check_queries(rng, index, members, 60)


@pytest.mark.parametrize("seed", [11, 12])
def test_random_queries_match_the_reference_on_an_index_built_by_updates(seed):
    rng = random.Random(seed)
    members = {uid: random_member(rng, uid) for uid in range(1, 301)}
    index = DirectoryIndex([], expected=0)
    index.apply(list(members.values()))
    check_queries(rng, index, members, 100)
    rows, removed, _ = random_changes(rng, members, 301, 30, 10, 10)
    index.apply(rows, removed=removed)
    for user_id in removed:
        del members[user_id]
    for r in rows:
        members[r.user_id] = r
    check_queries(rng, index, members, 100)
