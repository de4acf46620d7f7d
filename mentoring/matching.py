"""Scoring and assignment of mentees (young leaders) to mentors (parliamentarians).

This module is deliberately free of Django: the web layer turns database rows into the plain
arrays below, and turns the machine-readable ``Reason`` codes into EN/FR/ES text. Nothing here
produces user-facing sentences.

Score model
-----------
Every pair gets a score in ``[0, 100]``: ``100 * sum(weight_c * component_c)`` with the weights
normalised to sum to 1 and every component in ``[0, 1]``:

``topic``
    share of the mentee's topics the mentor also covers (``|shared| / |mentee topics|``).
``language``
    ``0.5 + 0.5 * |shared| / |mentee languages|``: one common language is what makes the
    pairing possible at all, more common languages only add a little.
``format``
    share of the mentee's preferred formats the mentor offers; 1 when the mentee has no
    preference.
``region``
    1 when the mentee's region preference ("any", "same", "different") is met, else 0.
``experience``
    ``1 - exp(-years_in_office / 8)``: saturating, a 30-year veteran is not 3x a 10-year one.
``capacity``
    ``capacity_left / capacity_total``: spreads mentees over mentors with room to spare.

Hard constraints (no shared language, mentor without capacity left, mentee and mentor being the
same member, forbidden pair) make a pair *infeasible*; its score is the sentinel
``INFEASIBLE == -1.0``. Every feasible score is ``>= 0``, so ``scores >= 0`` is the feasibility
mask everywhere in this module.

Why a matrix product: each component above is bilinear in (mentee features, mentor features)
once the bitmasks are unpacked to 0/1 columns (the division by the mentee's set size moves into
the mentee side), so the whole 10,000 x 2,000 score matrix is a single float32 GEMM with ~50
inner columns. That runs an order of magnitude faster than elementwise popcounts and uses BLAS
threads for free. The hard constraints are applied with a second, tiny GEMM (the "gate") that
counts shared languages.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

INFEASIBLE: float = -1.0
MAX_SCORE: float = 100.0
MAX_BIT: int = 64

FORMATS: tuple[str, ...] = ("video", "in_person", "messages")
FORMAT_BITS: dict[str, int] = {name: bit for bit, name in enumerate(FORMATS)}

REGION_PREFERENCES: tuple[str, ...] = ("any", "same", "different")
REGION_ANY, REGION_SAME, REGION_DIFFERENT = 0, 1, 2

COMPONENTS: tuple[str, ...] = ("topic", "language", "format", "region", "experience", "capacity")

# Years in office at which the experience component reaches 1 - 1/e (~0.63).
EXPERIENCE_SCALE_YEARS: float = 8.0
# Thresholds above which a fact is worth surfacing as a reason to the user.
EXPERIENCED_MENTOR_YEARS: float = 5.0
ROOMY_MENTOR_SHARE: float = 0.5

# Costs for the integer min-cost-flow: one point of score = 1000 cost units, so rounding loses
# at most 0.0005 points per pair while int64 costs stay far from overflow.
COST_SCALE: int = 1000

# The gate GEMM yields GATE_BIG * (shared_languages - 0.5): >= GATE_BIG/2 when feasible, which is
# well above MAX_SCORE so np.minimum leaves feasible scores untouched. A power of two keeps
# the products exact in float32.
_GATE_BIG: float = 1024.0

_DEFAULT_BLOCK_ROWS = 1024


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """Relative importance of the score components (any non-negative scale)."""

    topic: float = 40.0
    language: float = 20.0
    format: float = 10.0
    region: float = 10.0
    experience: float = 10.0
    capacity: float = 10.0

    def __post_init__(self) -> None:
        values = [getattr(self, name) for name in COMPONENTS]
        if any(not math.isfinite(v) or v < 0 for v in values):
            raise ValueError("weights must be finite and non-negative")
        if sum(values) <= 0:
            raise ValueError("at least one weight must be positive")

    def normalised(self) -> Weights:
        """Same proportions, summing to 1 (what the scorer actually uses)."""
        total = sum(getattr(self, name) for name in COMPONENTS)
        return Weights(**{name: getattr(self, name) / total for name in COMPONENTS})

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


def _get(record: Any, key: str, default: Any = None) -> Any:
    # Accept dicts as well as model instances / namedtuples so the Django layer can pass either.
    if isinstance(record, Mapping):
        return record.get(key, default)
    return getattr(record, key, default)


def _bits_to_mask(values: Iterable[int] | int | None, what: str, limit: int = MAX_BIT) -> int:
    if values is None:
        return 0
    if isinstance(values, int | np.integer):
        mask = int(values)
        if mask < 0 or mask >= 1 << limit:
            raise ValueError(f"{what} bitmask out of range: {mask}")
        return mask
    mask = 0
    for value in values:
        bit = int(value)
        if not 0 <= bit < limit:
            raise ValueError(f"{what} id must be in [0, {limit}), got {bit}")
        mask |= 1 << bit
    return mask


def _formats_to_mask(values: Iterable[str | int] | int | None) -> int:
    if values is None or isinstance(values, int | np.integer):
        return _bits_to_mask(values, "format", len(FORMATS))
    bits = []
    for value in values:
        if isinstance(value, str):
            if value not in FORMAT_BITS:
                raise ValueError(f"unknown format code {value!r}")
            bits.append(FORMAT_BITS[value])
        else:
            bits.append(int(value))
    return _bits_to_mask(bits, "format", len(FORMATS))


def _region_preference_code(value: str | int | None) -> int:
    if value is None:
        return REGION_ANY
    if isinstance(value, str):
        if value not in REGION_PREFERENCES:
            raise ValueError(f"unknown region preference {value!r}")
        return REGION_PREFERENCES.index(value)
    code = int(value)
    if not 0 <= code < len(REGION_PREFERENCES):
        raise ValueError(f"unknown region preference code {code}")
    return code


def mask_to_bits(mask: int) -> list[int]:
    """Bit positions set in ``mask``, ascending (e.g. topic ids of a topic bitmask)."""
    mask = int(mask)
    return [bit for bit in range(MAX_BIT) if mask >> bit & 1]


def _as_array(values: Any, dtype: Any, name: str, length: int | None) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 0 and length is not None:
        # A scalar is shorthand for "the same value for everyone" (e.g. capacity_total=3).
        array = np.full(length, array)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if array.size and np.issubdtype(array.dtype, np.floating) and np.dtype(dtype).kind in "iu":
        raise ValueError(f"{name} must hold integers")
    return np.ascontiguousarray(array.astype(dtype, copy=False))


class _Pool:
    """Shared validation for the two pools (arrays coerced once, length checked)."""

    _dtypes: dict[str, Any] = {}

    def _coerce(self) -> None:
        lengths = set()
        length = np.asarray(self.member_id).reshape(-1).shape[0]
        for name, dtype in self._dtypes.items():
            array = _as_array(getattr(self, name), dtype, name, length)
            object.__setattr__(self, name, array)
            lengths.add(array.shape[0])
        if len(lengths) > 1:
            raise ValueError(f"{type(self).__name__} arrays differ in length: {sorted(lengths)}")
        if self.formats.size and int(self.formats.max()) >= 1 << len(FORMATS):
            raise ValueError("formats bitmask uses unknown format bits")
        if self.region.size and int(self.region.min()) < 0:
            raise ValueError("region ids must be >= 0")

    def __len__(self) -> int:
        return int(self.member_id.shape[0])


@dataclass(frozen=True, eq=False)
class MenteePool(_Pool):
    """Column arrays describing the mentees (young leaders) of one matching round.

    ``topics``/``languages`` are uint64 bitmasks of ids < 64, ``formats`` the preferred formats
    (bit i = ``FORMATS[i]``, 0 = no preference), ``region_preference`` an index into
    ``REGION_PREFERENCES``; ``gender`` is an opaque int code used only by balance constraints.
    """

    member_id: np.ndarray
    topics: np.ndarray
    languages: np.ndarray
    formats: np.ndarray
    region: np.ndarray
    region_preference: np.ndarray
    gender: np.ndarray

    _dtypes = {
        "member_id": np.int64,
        "topics": np.uint64,
        "languages": np.uint64,
        "formats": np.uint64,
        "region": np.int64,
        "region_preference": np.int8,
        "gender": np.int64,
    }

    def __post_init__(self) -> None:
        self._coerce()
        pref = self.region_preference
        if pref.size and (int(pref.min()) < 0 or int(pref.max()) >= len(REGION_PREFERENCES)):
            raise ValueError("region_preference codes must be 0 (any), 1 (same) or 2 (different)")

    @classmethod
    def from_records(cls, records: Iterable[Any]) -> MenteePool:
        """Build from dicts/objects with ``member_id, topics, languages, formats, region,
        region_preference, gender`` (sets of ids, format codes, "any"/"same"/"different")."""
        rows = [
            (
                int(_get(r, "member_id")),
                _bits_to_mask(_get(r, "topics"), "topic"),
                _bits_to_mask(_get(r, "languages"), "language"),
                _formats_to_mask(_get(r, "formats")),
                int(_get(r, "region")),
                _region_preference_code(_get(r, "region_preference")),
                int(_get(r, "gender", 0) or 0),
            )
            for r in records
        ]
        columns = list(zip(*rows, strict=True)) if rows else [()] * 7
        return cls(
            *(
                np.array(col, dtype=dt)
                for col, dt in zip(columns, cls._dtypes.values(), strict=True)
            )
        )

    def record(self, i: int) -> dict[str, Any]:
        """Mentee ``i`` as plain Python values (the input format of the reference scorer)."""
        return {
            "member_id": int(self.member_id[i]),
            "topics": set(mask_to_bits(self.topics[i])),
            "languages": set(mask_to_bits(self.languages[i])),
            "formats": set(mask_to_bits(self.formats[i])),
            "region": int(self.region[i]),
            "region_preference": int(self.region_preference[i]),
            "gender": int(self.gender[i]),
        }

    def subset(self, index: np.ndarray | Sequence[int]) -> MenteePool:
        return type(self)(*(getattr(self, name)[index] for name in self._dtypes))


@dataclass(frozen=True, eq=False)
class MentorPool(_Pool):
    """Column arrays describing the mentors (parliamentarians) of one matching round.

    ``formats`` are the formats the mentor offers; ``capacity_left`` is how many more mentees
    they can take now, ``capacity_total`` their overall concurrent limit.
    """

    member_id: np.ndarray
    topics: np.ndarray
    languages: np.ndarray
    formats: np.ndarray
    region: np.ndarray
    years_in_office: np.ndarray
    capacity_left: np.ndarray
    capacity_total: np.ndarray

    _dtypes = {
        "member_id": np.int64,
        "topics": np.uint64,
        "languages": np.uint64,
        "formats": np.uint64,
        "region": np.int64,
        "years_in_office": np.float64,
        "capacity_left": np.int64,
        "capacity_total": np.int64,
    }

    def __post_init__(self) -> None:
        self._coerce()
        if self.capacity_left.size and int(self.capacity_left.min()) < 0:
            raise ValueError("capacity_left must be >= 0")
        if np.any(self.capacity_total < self.capacity_left):
            raise ValueError("capacity_total must be >= capacity_left")
        if not np.all(np.isfinite(self.years_in_office)):
            raise ValueError("years_in_office must be finite")

    @classmethod
    def from_records(cls, records: Iterable[Any]) -> MentorPool:
        """Build from dicts/objects with ``member_id, topics, languages, formats, region,
        years_in_office, capacity_left, capacity_total`` (total defaults to left)."""
        rows = []
        for r in records:
            left = int(_get(r, "capacity_left", 0) or 0)
            total = _get(r, "capacity_total")
            rows.append(
                (
                    int(_get(r, "member_id")),
                    _bits_to_mask(_get(r, "topics"), "topic"),
                    _bits_to_mask(_get(r, "languages"), "language"),
                    _formats_to_mask(_get(r, "formats")),
                    int(_get(r, "region")),
                    float(_get(r, "years_in_office", 0.0) or 0.0),
                    left,
                    left if total is None else int(total),
                )
            )
        columns = list(zip(*rows, strict=True)) if rows else [()] * 8
        return cls(
            *(
                np.array(col, dtype=dt)
                for col, dt in zip(columns, cls._dtypes.values(), strict=True)
            )
        )

    def record(self, j: int) -> dict[str, Any]:
        """Mentor ``j`` as plain Python values (the input format of the reference scorer)."""
        return {
            "member_id": int(self.member_id[j]),
            "topics": set(mask_to_bits(self.topics[j])),
            "languages": set(mask_to_bits(self.languages[j])),
            "formats": set(mask_to_bits(self.formats[j])),
            "region": int(self.region[j]),
            "years_in_office": float(self.years_in_office[j]),
            "capacity_left": int(self.capacity_left[j]),
            "capacity_total": int(self.capacity_total[j]),
        }

    def subset(self, index: np.ndarray | Sequence[int]) -> MentorPool:
        return type(self)(*(getattr(self, name)[index] for name in self._dtypes))


def _forbidden_array(
    forbidden: Iterable[tuple[int, int]] | np.ndarray, n: int, m: int
) -> np.ndarray:
    pairs = np.asarray(list(forbidden) if not isinstance(forbidden, np.ndarray) else forbidden)
    if pairs.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    pairs = pairs.astype(np.int64).reshape(-1, 2)
    if (pairs[:, 0] < 0).any() or (pairs[:, 0] >= n).any():
        raise IndexError("forbidden pair mentee index out of range")
    if (pairs[:, 1] < 0).any() or (pairs[:, 1] >= m).any():
        raise IndexError("forbidden pair mentor index out of range")
    return pairs


def self_pairs(mentees: MenteePool, mentors: MentorPool) -> np.ndarray:
    """(mentee_index, mentor_index) rows where both sides are the same member."""
    if len(mentees) == 0 or len(mentors) == 0:
        return np.empty((0, 2), dtype=np.int64)
    hits = np.flatnonzero(np.isin(mentees.member_id, mentors.member_id))
    if hits.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    # Only a handful of people are in both pools, so a Python dict over the hits is cheapest.
    by_id: dict[int, list[int]] = {}
    for j, member in enumerate(mentors.member_id.tolist()):
        by_id.setdefault(member, []).append(j)
    rows = [(int(i), j) for i in hits for j in by_id[int(mentees.member_id[i])]]
    return np.array(rows, dtype=np.int64)


# --------------------------------------------------------------------------------------------
# Vectorised scoring
# --------------------------------------------------------------------------------------------


def _unpack_bits(masks: np.ndarray) -> np.ndarray:
    """(n,) uint64 -> (n, 64) uint8 matrix of bits, column k = bit k."""
    as_bytes = masks.astype("<u8", copy=False).view(np.uint8).reshape(-1, 8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")


def _popcount(masks: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(masks).astype(np.int64)
    return _unpack_bits(masks).sum(axis=1, dtype=np.int64)  # numpy < 2.0 fallback


def _experience_component(years: np.ndarray) -> np.ndarray:
    return 1.0 - np.exp(-np.maximum(years, 0.0) / EXPERIENCE_SCALE_YEARS)


def _capacity_component(left: np.ndarray, total: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, left / np.maximum(total, 1), 0.0)
    return np.clip(share, 0.0, 1.0)


def _features(
    mentees: MenteePool, mentors: MentorPool, weights: Weights
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrices such that ``A @ B.T`` is the score and ``A2 @ B2.T`` the gate."""
    w = weights.normalised()
    n, m = len(mentees), len(mentors)
    a_blocks: list[np.ndarray] = []
    b_blocks: list[np.ndarray] = []

    def set_block(mentee_masks: np.ndarray, mentor_masks: np.ndarray, weight: float) -> None:
        # Only bits some mentee has can contribute, which keeps the GEMM's inner size small.
        mentee_bits = _unpack_bits(mentee_masks)
        used = np.flatnonzero(mentee_bits.any(axis=0))
        if used.size == 0:
            return
        size = mentee_bits.sum(axis=1, keepdims=True).astype(np.float64)
        a_blocks.append(mentee_bits[:, used] * (weight / np.maximum(size, 1.0)))
        b_blocks.append(_unpack_bits(mentor_masks)[:, used].astype(np.float64))

    set_block(mentees.topics, mentors.topics, MAX_SCORE * w.topic)
    set_block(mentees.languages, mentors.languages, MAX_SCORE * w.language * 0.5)
    set_block(mentees.formats, mentors.formats, MAX_SCORE * w.format)

    n_regions = int(max(mentees.region.max(initial=-1), mentors.region.max(initial=-1))) + 1
    if n_regions:
        regions = np.arange(n_regions)
        same = mentees.region[:, None] == regions[None, :]
        pref = mentees.region_preference[:, None]
        fit = np.where(pref == REGION_SAME, same, np.where(pref == REGION_DIFFERENT, ~same, True))
        a_blocks.append(fit * (MAX_SCORE * w.region))
        b_blocks.append((mentors.region[:, None] == regions[None, :]).astype(np.float64))

    # Mentor-only terms ride on a column of ones on the mentee side, and vice versa.
    mentor_const = MAX_SCORE * (
        w.experience * _experience_component(mentors.years_in_office)
        + w.capacity * _capacity_component(mentors.capacity_left, mentors.capacity_total)
    )
    mentee_const = MAX_SCORE * (0.5 * w.language + w.format * (mentees.formats == 0))
    a_blocks += [np.ones((n, 1)), mentee_const[:, None]]
    b_blocks += [mentor_const[:, None], np.ones((m, 1))]

    a = np.ascontiguousarray(np.hstack(a_blocks), dtype=np.float32)
    bt = np.ascontiguousarray(np.hstack(b_blocks).T, dtype=np.float32)

    # Gate: GATE_BIG * (shared languages - 0.5), forced negative for mentors without capacity.
    lang_a = _unpack_bits(mentees.languages)
    used = np.flatnonzero(lang_a.any(axis=0))
    has_room = (mentors.capacity_left > 0)[:, None]
    a2 = np.hstack([lang_a[:, used], np.ones((n, 1))]).astype(np.float32)
    b2 = np.hstack(
        [_unpack_bits(mentors.languages)[:, used] * has_room * _GATE_BIG, np.full((m, 1), -0.5)]
    )
    b2[:, -1] *= _GATE_BIG
    b2t = np.ascontiguousarray(b2.T, dtype=np.float32)
    return a, bt, a2, b2t


def score_matrix(
    mentees: MenteePool,
    mentors: MentorPool,
    weights: Weights | None = None,
    *,
    forbidden: Iterable[tuple[int, int]] | np.ndarray = (),
    block_rows: int = _DEFAULT_BLOCK_ROWS,
) -> np.ndarray:
    """Score every (mentee, mentor) pair.

    Returns a float32 ``(len(mentees), len(mentors))`` matrix with scores in ``[0, 100]`` and
    ``INFEASIBLE`` (-1.0) for pairs that violate a hard constraint: no shared language, mentor
    without capacity left, same member on both sides, or a pair listed in ``forbidden``
    (``(mentee_index, mentor_index)`` tuples).
    """
    weights = weights or Weights()
    n, m = len(mentees), len(mentors)
    scores = np.empty((n, m), dtype=np.float32)
    if n == 0 or m == 0:
        return scores
    a, bt, a2, b2t = _features(mentees, mentors, weights)
    # Row blocks keep the gate temporary small (block_rows x m) and cache-resident; the output
    # matrix itself is the only full-size allocation.
    for start in range(0, n, max(1, block_rows)):
        stop = min(start + block_rows, n)
        block = scores[start:stop]
        np.matmul(a[start:stop], bt, out=block)
        np.minimum(block, a2[start:stop] @ b2t, out=block)
        # The clip both maps gated pairs (<= -GATE_BIG/2) to the sentinel and trims float32
        # round-off above the maximum.
        np.clip(block, INFEASIBLE, MAX_SCORE, out=block)
    for rows in (self_pairs(mentees, mentors), _forbidden_array(forbidden, n, m)):
        if rows.size:
            scores[rows[:, 0], rows[:, 1]] = INFEASIBLE
    return scores


# --------------------------------------------------------------------------------------------
# Reference scorer and explanations (plain Python, one pair at a time)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Machine-readable reason; the Django layer maps ``code`` + ``params`` to translated text."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    """Why a pair scores what it does.

    For feasible pairs ``sum(contributions.values()) == score`` (up to float round-off). For
    infeasible pairs ``score`` is ``INFEASIBLE``, ``contributions`` is empty and ``reasons`` lists
    every hard constraint that blocks the pair.
    """

    mentee_index: int
    mentor_index: int
    score: float
    feasible: bool
    contributions: Mapping[str, float]
    reasons: tuple[Reason, ...]


def _as_int_set(values: Any) -> set[int]:
    if values is None:
        return set()
    if isinstance(values, int | np.integer):
        return set(mask_to_bits(int(values)))
    return {int(v) for v in values}


def _as_format_set(values: Any) -> set[int]:
    return set(mask_to_bits(_formats_to_mask(values)))


def _reference_evaluate(
    mentee: Any, mentor: Any, weights: Weights, forbidden: bool
) -> tuple[list[Reason], dict[str, float], list[tuple[str, Reason]]]:
    """Plain-Python evaluation shared by the reference scorer and ``explain_pair``.

    Returns (blocking reasons, contributions in points, [(component, reason)] supporting facts).
    """
    mentee_langs = _as_int_set(_get(mentee, "languages"))
    mentor_langs = _as_int_set(_get(mentor, "languages"))
    shared_langs = mentee_langs & mentor_langs
    capacity_left = int(_get(mentor, "capacity_left", 0) or 0)

    blocking: list[Reason] = []
    if int(_get(mentee, "member_id")) == int(_get(mentor, "member_id")):
        blocking.append(Reason("self"))
    if forbidden:
        blocking.append(Reason("forbidden_pair"))
    if not shared_langs:
        blocking.append(Reason("no_shared_language"))
    if capacity_left <= 0:
        blocking.append(Reason("no_capacity"))
    if blocking:
        return blocking, {}, []

    w = weights.normalised()
    facts: list[tuple[str, Reason]] = []

    mentee_topics = _as_int_set(_get(mentee, "topics"))
    shared_topics = mentee_topics & _as_int_set(_get(mentor, "topics"))
    topic = len(shared_topics) / len(mentee_topics) if mentee_topics else 0.0
    if shared_topics:
        facts.append(("topic", Reason("shared_topics", {"topics": sorted(shared_topics)})))

    language = 0.5 + 0.5 * len(shared_langs) / len(mentee_langs)
    facts.append(("language", Reason("shared_languages", {"languages": sorted(shared_langs)})))

    preferred = _as_format_set(_get(mentee, "formats"))
    offered = _as_format_set(_get(mentor, "formats"))
    shared_formats = preferred & offered
    format_fit = len(shared_formats) / len(preferred) if preferred else 1.0
    if shared_formats:
        params = {"formats": [FORMATS[b] for b in sorted(shared_formats)]}
        facts.append(("format", Reason("format_fit", params)))

    mentee_region = int(_get(mentee, "region"))
    mentor_region = int(_get(mentor, "region"))
    preference = _region_preference_code(_get(mentee, "region_preference"))
    same_region = mentee_region == mentor_region
    if preference == REGION_SAME:
        region = 1.0 if same_region else 0.0
    elif preference == REGION_DIFFERENT:
        region = 0.0 if same_region else 1.0
    else:
        region = 1.0
    if same_region:
        facts.append(("region", Reason("same_region", {"region": mentee_region})))
    else:
        params = {"mentee_region": mentee_region, "mentor_region": mentor_region}
        facts.append(("region", Reason("cross_regional", params)))
    if region == 0.0:
        params = {"preference": REGION_PREFERENCES[preference]}
        facts.append(("region", Reason("region_preference_not_met", params)))

    years = float(_get(mentor, "years_in_office", 0.0) or 0.0)
    experience = 1.0 - math.exp(-max(years, 0.0) / EXPERIENCE_SCALE_YEARS)
    if years >= EXPERIENCED_MENTOR_YEARS:
        shown = int(years) if float(years).is_integer() else round(years, 1)
        facts.append(("experience", Reason("experienced_mentor", {"years": shown})))

    total = int(_get(mentor, "capacity_total", capacity_left) or 0)
    capacity = min(max(capacity_left / total, 0.0), 1.0) if total > 0 else 0.0
    if capacity >= ROOMY_MENTOR_SHARE:
        params = {"capacity_left": capacity_left, "capacity_total": total}
        facts.append(("capacity", Reason("mentor_has_room", params)))

    values = {
        "topic": topic,
        "language": language,
        "format": format_fit,
        "region": region,
        "experience": experience,
        "capacity": capacity,
    }
    contributions = {name: MAX_SCORE * getattr(w, name) * values[name] for name in COMPONENTS}
    return [], contributions, facts


def score_pair_reference(
    mentee: Any, mentor: Any, weights: Weights | None = None, *, forbidden: bool = False
) -> float:
    """Score one pair in plain Python (no numpy); ``INFEASIBLE`` for a blocked pair.

    ``mentee``/``mentor`` are dicts or objects in the ``from_records`` format (``record(i)`` of a
    pool gives exactly that). This is the oracle for ``score_matrix`` and the benchmark baseline.
    """
    blocking, contributions, _ = _reference_evaluate(
        mentee, mentor, weights or Weights(), forbidden
    )
    if blocking:
        return INFEASIBLE
    return sum(contributions.values())


def explain_pair(
    mentee_i: int,
    mentor_j: int,
    mentees: MenteePool,
    mentors: MentorPool,
    weights: Weights | None = None,
    *,
    forbidden: Iterable[tuple[int, int]] = (),
) -> Explanation:
    """Score breakdown and machine-readable reasons for one pair, strongest reason first."""
    is_forbidden = (int(mentee_i), int(mentor_j)) in {(int(a), int(b)) for a, b in forbidden}
    blocking, contributions, facts = _reference_evaluate(
        mentees.record(mentee_i), mentors.record(mentor_j), weights or Weights(), is_forbidden
    )
    if blocking:
        return Explanation(mentee_i, mentor_j, INFEASIBLE, False, {}, tuple(blocking))
    # Python's sort is stable, so facts of equal weight keep the component order.
    ordered = sorted(facts, key=lambda fact: -contributions[fact[0]])
    return Explanation(
        mentee_i,
        mentor_j,
        sum(contributions.values()),
        True,
        contributions,
        tuple(reason for _, reason in ordered),
    )


# --------------------------------------------------------------------------------------------
# Candidates and assignment results
# --------------------------------------------------------------------------------------------


def top_k_candidates(scores: np.ndarray, k: int, *, threads: int = 2) -> np.ndarray:
    """Indices of each mentee's ``k`` best feasible mentors, best first, padded with -1.

    Shape ``(n_mentees, min(k, n_mentors))``, dtype int32.
    """
    n, m = scores.shape
    k = max(0, min(int(k), m))
    out = np.full((n, k), -1, dtype=np.int32)
    if n == 0 or k == 0:
        return out

    def work(start: int, stop: int) -> None:
        # A copy only when given a transposed view: argpartition on strided rows is slow.
        block = np.ascontiguousarray(scores[start:stop])
        if k < m:
            part = np.argpartition(block, m - k, axis=1)[:, m - k :]
        else:
            part = np.broadcast_to(np.arange(m), block.shape)
        part_scores = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        best = np.take_along_axis(part, order, axis=1)
        feasible = np.take_along_axis(part_scores, order, axis=1) >= 0
        out[start:stop] = np.where(feasible, best, -1)

    # argpartition releases the GIL, so row blocks on a small thread pool scale with cores.
    step = 512
    bounds = [(s, min(s + step, n)) for s in range(0, n, step)]
    if threads <= 1 or len(bounds) == 1:
        for start, stop in bounds:
            work(start, stop)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda b: work(*b), bounds))
    return out


@dataclass(frozen=True)
class UnmetConstraint:
    """A balance constraint the round could not satisfy (codes are translated upstream)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Assignment:
    """Result of a round: ``pairs[i]`` is mentee ``i``'s mentor index, or -1 if unmatched.

    ``coverage`` is the percentage of mentees matched; ``mean_score``/``min_score`` are over
    matched pairs (0 when nobody is matched).
    """

    pairs: np.ndarray
    pair_scores: np.ndarray
    total_score: float
    coverage: float
    mean_score: float
    min_score: float
    method: str = ""
    status: str = "optimal"
    unmet: tuple[UnmetConstraint, ...] = ()
    optimality_gap: float | None = None

    @classmethod
    def from_pairs(
        cls,
        pairs: np.ndarray | Sequence[int],
        scores: np.ndarray,
        *,
        method: str = "",
        status: str = "optimal",
        unmet: Sequence[UnmetConstraint] = (),
        optimality_gap: float | None = None,
    ) -> Assignment:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1)
        matched = pairs >= 0
        pair_scores = np.full(pairs.shape, np.nan)
        rows = np.flatnonzero(matched)
        pair_scores[rows] = scores[rows, pairs[rows]]
        values = pair_scores[rows]
        return cls(
            pairs=pairs,
            pair_scores=pair_scores,
            total_score=float(values.sum(dtype=np.float64)),
            coverage=100.0 * rows.size / pairs.size if pairs.size else 0.0,
            mean_score=float(values.mean()) if rows.size else 0.0,
            min_score=float(values.min()) if rows.size else 0.0,
            method=method,
            status=status,
            unmet=tuple(unmet),
            optimality_gap=optimality_gap,
        )

    @property
    def n_matched(self) -> int:
        return int((self.pairs >= 0).sum())

    @property
    def feasible(self) -> bool:
        return not self.unmet

    def matched_pairs(self) -> list[tuple[int, int]]:
        rows = np.flatnonzero(self.pairs >= 0)
        return list(zip(rows.tolist(), self.pairs[rows].tolist(), strict=True))

    def summary(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "status": self.status,
            "mentees": int(self.pairs.size),
            "matched": self.n_matched,
            "coverage": round(self.coverage, 2),
            "total_score": round(self.total_score, 3),
            "mean_score": round(self.mean_score, 3),
            "min_score": round(self.min_score, 3),
            "optimality_gap": self.optimality_gap,
            "unmet": [{"code": u.code, "params": dict(u.params)} for u in self.unmet],
        }


def compare(a: Assignment, b: Assignment) -> dict[str, tuple[float, float, float]]:
    """Side-by-side figures: metric -> (a, b, b - a)."""
    metrics = ("coverage", "mean_score", "min_score", "total_score")
    rows = {name: (getattr(a, name), getattr(b, name)) for name in metrics}
    rows["matched"] = (float(a.n_matched), float(b.n_matched))
    return {name: (va, vb, vb - va) for name, (va, vb) in rows.items()}


def assignment_violations(
    assignment: Assignment, scores: np.ndarray, capacities: np.ndarray | Sequence[int]
) -> list[str]:
    """Hard-constraint violations of an assignment (empty list = valid)."""
    problems = []
    pairs = assignment.pairs
    rows = np.flatnonzero(pairs >= 0)
    if (pairs >= scores.shape[1]).any():
        problems.append("mentor_index_out_of_range")
        return problems
    if (scores[rows, pairs[rows]] < 0).any():
        problems.append("infeasible_pair")
    load = np.bincount(pairs[rows], minlength=scores.shape[1])
    if (load > np.asarray(capacities)).any():
        problems.append("capacity_exceeded")
    return problems


# --------------------------------------------------------------------------------------------
# Assignment algorithms
# --------------------------------------------------------------------------------------------


def _check_inputs(scores: np.ndarray, capacities: Any) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError("scores must be a 2-D (mentees x mentors) matrix")
    caps = np.asarray(capacities, dtype=np.int64).reshape(-1)
    if caps.shape[0] != scores.shape[1]:
        raise ValueError("capacities must have one entry per mentor (column of scores)")
    if (caps < 0).any():
        raise ValueError("capacities must be >= 0")
    return scores, caps


def assign_greedy(
    scores: np.ndarray,
    capacities: np.ndarray | Sequence[int],
    order: Sequence[int] | np.ndarray | None = None,
) -> Assignment:
    """First come, first served: each mentee in ``order`` takes their best mentor with room."""
    scores, caps = _check_inputs(scores, capacities)
    n, m = scores.shape
    left = caps.copy()
    pairs = np.full(n, -1, dtype=np.int64)
    sequence = np.arange(n) if order is None else np.asarray(order, dtype=np.int64)
    # Most mentees get one of their first few choices; a short sorted list avoids re-scanning a
    # whole row per mentee, with the full row as fallback once those mentors are taken.
    shortlist = top_k_candidates(scores, min(16, m)) if m else np.empty((n, 0), np.int32)
    for i in sequence.tolist():
        chosen = -1
        for j in shortlist[i].tolist():
            if j < 0:
                break
            if left[j] > 0:
                chosen = j
                break
        else:
            # Every shortlisted mentor is full (a -1 would have ended the loop): scan the row.
            if 0 < shortlist.shape[1] < m:
                row = np.where(left > 0, scores[i], -np.inf)
                j = int(np.argmax(row))
                chosen = j if row[j] >= 0 else -1
        if chosen >= 0:
            pairs[i] = chosen
            left[chosen] -= 1
    return Assignment.from_pairs(pairs, scores, method="greedy")


def _candidate_edges(
    scores: np.ndarray, caps: np.ndarray, per_mentee: int, per_mentor: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse (mentee, mentor, score) edges of the assignment model.

    Each mentee's ``per_mentee`` best feasible mentors, plus, for mentors that appear in fewer
    than ``per_mentor`` of those lists, their ``per_mentor`` best mentees: otherwise a mentor
    who is in nobody's top list keeps empty seats while mentees whose favourites are full stay
    unmatched.
    """
    m = scores.shape[1]
    masked = scores
    closed = np.flatnonzero(caps == 0)
    if closed.size and (scores[:, closed] >= 0).any():
        # Mentors that cannot take anyone would waste candidate slots.
        masked = np.where((caps > 0)[None, :], scores, INFEASIBLE).astype(scores.dtype)
    cand = top_k_candidates(masked, per_mentee)
    rows, cols = np.nonzero(cand >= 0)
    keys = rows.astype(np.int64) * m + cand[rows, cols]
    if per_mentor > 0 and per_mentee < m:
        in_degree = np.bincount(keys % m, minlength=m)
        sparse = np.flatnonzero((in_degree < per_mentor) & (caps > 0))
        if sparse.size:
            # Only these columns are gathered, so this stays cheap next to the row top-k.
            by_mentor = top_k_candidates(np.ascontiguousarray(masked[:, sparse].T), per_mentor)
            rows, cols = np.nonzero(by_mentor >= 0)
            extra = by_mentor[rows, cols].astype(np.int64) * m + sparse[rows]
            keys = np.unique(np.concatenate([keys, extra]))
    mentee, mentor = np.divmod(keys, m)
    return mentee, mentor, scores[mentee, mentor].astype(np.float64)


def assign_optimal(
    scores: np.ndarray,
    capacities: np.ndarray | Sequence[int],
    *,
    candidates_per_mentee: int = 50,
    candidates_per_mentor: int = 20,
    balance: Balance | None = None,
    prioritise_coverage: bool = False,
    mip_gap: float = 1e-4,
    time_limit: float = 60.0,
) -> Assignment:
    """Maximise the total score of matched pairs subject to capacities and hard constraints.

    Objective: maximise the sum of scores of matched pairs. Every feasible score is >= 0, so
    matching one more mentee never lowers the objective, which already favours coverage; with
    ``prioritise_coverage=True`` the number of matched mentees is maximised first and the
    total score second (lexicographic).

    Only each mentee's ``candidates_per_mentee`` best mentors and each mentor's
    ``candidates_per_mentor`` best mentees enter the model (``candidates_per_mentee`` >=
    n_mentors gives the exact optimum). Without ``balance`` this is an integer min-cost flow
    (source -> mentee cap 1 -> mentor cap 1, cost -score -> sink cap capacity, plus a free
    source -> sink bypass for unmatched mentees).

    With ``balance`` the same candidate graph becomes a MILP (HiGHS via SciPy, with LP
    reduced-cost fixing, see ``_solve_milp_rc_fixing``) with the balance rows added. Its total
    is certified within ``mip_gap`` (relative) of the optimum, and ``Assignment.optimality_gap``
    holds the gap actually certified against the LP bound. Closing the gap to zero is not
    worth it: the share rows have integer-rounding gaps that take branch-and-bound minutes.
    If no assignment can meet every balance constraint, the result has status
    ``"balance_infeasible"``, ``unmet`` lists the constraints that cannot hold (with their
    shortfall in mentees), and ``pairs`` is the unconstrained optimum, for preview only.
    ``prioritise_coverage`` cannot be combined with ``balance``.
    """
    scores, caps = _check_inputs(scores, capacities)
    if balance is not None and prioritise_coverage:
        raise ValueError("prioritise_coverage cannot be combined with balance constraints")
    n, m = scores.shape
    k = m if candidates_per_mentee is None else min(int(candidates_per_mentee), m)
    mentee, mentor, edge_scores = _candidate_edges(scores, caps, k, candidates_per_mentor)
    method = f"optimal(top-{k})"
    pairs = _min_cost_flow(n, m, caps, mentee, mentor, edge_scores, prioritise_coverage)
    if balance is not None:
        return _assign_balanced(
            scores,
            caps,
            mentee,
            mentor,
            edge_scores,
            balance,
            unconstrained=pairs,
            mip_gap=mip_gap,
            time_limit=time_limit,
            method=f"{method}+balance",
        )
    return Assignment.from_pairs(pairs, scores, method=method)


def _min_cost_flow(
    n: int,
    m: int,
    caps: np.ndarray,
    mentee: np.ndarray,
    mentor: np.ndarray,
    edge_scores: np.ndarray,
    prioritise_coverage: bool,
) -> np.ndarray:
    from ortools.graph.python import min_cost_flow

    pairs = np.full(n, -1, dtype=np.int64)
    if mentee.size == 0:
        return pairs
    source, sink = n + m, n + m + 1
    active = np.unique(mentee)
    with_room = np.flatnonzero(caps > 0)
    tails = [np.full(active.size, source), mentee, n + with_room]
    heads = [active, n + mentor, np.full(with_room.size, sink)]
    capacities = [np.ones(active.size), np.ones(mentee.size), caps[with_room]]
    costs = [
        np.zeros(active.size),
        -np.rint(edge_scores * COST_SCALE),
        np.zeros(with_room.size),
    ]
    if not prioritise_coverage:
        # Seats or candidates run out before mentees do, so part of the supply must reach the
        # sink without a mentee. The bypass is free, so it is only used where no match is
        # left; max-flow mode instead pushes as many units through mentees as possible.
        tails.append(np.array([source]))
        heads.append(np.array([sink]))
        capacities.append(np.array([active.size]))
        costs.append(np.zeros(1))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(capacities).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    flow.set_nodes_supplies(
        np.array([source, sink], dtype=np.int32), np.array([active.size, -active.size])
    )
    if prioritise_coverage:
        status = flow.solve_max_flow_with_min_cost()
    else:
        status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    first = active.size
    used = flow.flows(np.arange(first, first + mentee.size, dtype=np.int32)) > 0
    pairs[mentee[used]] = mentor[used]
    return pairs


# --------------------------------------------------------------------------------------------
# Balance constraints (exact MILP on the sparse candidate graph)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """Fairness constraints for a round.

    ``groups`` maps an attribute name to a per-mentee int code array (``for_mentees`` fills
    ``"gender"`` and ``"region"``). ``min_share_by_group={"gender": {WOMAN: 0.4}}`` asks that
    at least 40 % of the *matched* mentees have gender code ``WOMAN``;
    ``every_region_represented`` asks for at least one matched mentee from every region that
    occurs among the mentees.
    """

    groups: Mapping[str, np.ndarray]
    min_share_by_group: Mapping[str, Mapping[int, float]] = field(default_factory=dict)
    every_region_represented: bool = False
    region_attribute: str = "region"

    def __post_init__(self) -> None:
        for attribute, shares in self.min_share_by_group.items():
            if attribute not in self.groups:
                raise ValueError(f"no group labels for attribute {attribute!r}")
            for share in shares.values():
                if not 0.0 <= float(share) <= 1.0:
                    raise ValueError("minimum shares must be in [0, 1]")
        if self.every_region_represented and self.region_attribute not in self.groups:
            raise ValueError(f"no group labels for attribute {self.region_attribute!r}")

    @classmethod
    def for_mentees(
        cls,
        mentees: MenteePool,
        *,
        min_share_by_group: Mapping[str, Mapping[int, float]] | None = None,
        every_region_represented: bool = False,
    ) -> Balance:
        return cls(
            groups={"gender": mentees.gender, "region": mentees.region},
            min_share_by_group=min_share_by_group or {},
            every_region_represented=every_region_represented,
        )

    def constraint_rows(self, n_mentees: int) -> list[tuple[UnmetConstraint, np.ndarray, float]]:
        """Each constraint as (description, per-mentee coefficient, lower bound) meaning
        ``sum_i coef[i] * matched[i] >= bound``."""
        rows = []
        for attribute, shares in self.min_share_by_group.items():
            labels = np.asarray(self.groups[attribute]).reshape(-1)
            if labels.shape[0] != n_mentees:
                raise ValueError(f"{attribute!r} labels must have one entry per mentee")
            for group, share in shares.items():
                # share * matched <= in_group  <=>  sum (1[in group] - share) x >= 0
                coef = (labels == group).astype(np.float64) - float(share)
                params = {"attribute": attribute, "group": int(group), "min_share": float(share)}
                rows.append((UnmetConstraint("min_share", params), coef, 0.0))
        if self.every_region_represented:
            labels = np.asarray(self.groups[self.region_attribute]).reshape(-1)
            if labels.shape[0] != n_mentees:
                raise ValueError("region labels must have one entry per mentee")
            for region in np.unique(labels).tolist():
                coef = (labels == region).astype(np.float64)
                rows.append(
                    (UnmetConstraint("region_not_represented", {"region": int(region)}), coef, 1.0)
                )
        return rows


def _assign_balanced(
    scores: np.ndarray,
    caps: np.ndarray,
    mentee: np.ndarray,
    mentor: np.ndarray,
    edge_scores: np.ndarray,
    balance: Balance,
    *,
    unconstrained: np.ndarray,
    mip_gap: float,
    time_limit: float,
    method: str,
) -> Assignment:
    from scipy.sparse import coo_matrix, csr_matrix, vstack

    n, m = scores.shape
    e = mentee.size
    rows = balance.constraint_rows(n)
    matched = (unconstrained >= 0).astype(np.float64)
    if all(coef @ matched >= bound - 1e-9 for _, coef, bound in rows):
        # The unconstrained optimum already meets every constraint, so it is also the optimum
        # of the constrained problem; no MILP needed.
        return Assignment.from_pairs(unconstrained, scores, method=method, optimality_gap=0.0)

    # One binary per candidate edge. Rows (all "<="): each mentee at most once, each mentor at
    # most its capacity, then the balance rows  sum(coef * x) >= bound  negated.
    edge_ids = np.arange(e)
    per_mentee = coo_matrix((np.ones(e), (mentee, edge_ids)), shape=(n, e))
    per_mentor = coo_matrix((np.ones(e), (mentor, edge_ids)), shape=(m, e))
    bal = csr_matrix(np.vstack([coef[mentee] for _, coef, _ in rows]))
    a_ub = vstack([per_mentee, per_mentor, -bal], format="csr")
    b_ub = np.r_[np.ones(n), caps, -np.array([bound for _, _, bound in rows])]

    solved = _solve_milp_rc_fixing(-edge_scores, a_ub, b_ub, mip_gap, time_limit)
    if solved is None:
        unmet = _diagnose_unmet(rows, a_ub.shape[0] - len(rows), a_ub, b_ub, e)
        # Report rather than return a degenerate "closest" round (e.g. one mentee per region).
        # The pairs are the unconstrained optimum so callers can still preview something.
        return Assignment.from_pairs(
            unconstrained, scores, method=method, status="balance_infeasible", unmet=unmet
        )
    x, gap = solved
    pairs = np.full(n, -1, dtype=np.int64)
    chosen = x > 0.5
    pairs[mentee[chosen]] = mentor[chosen]
    status = "time_limit" if gap is None else "optimal"
    return Assignment.from_pairs(pairs, scores, method=method, status=status, optimality_gap=gap)


def _diagnose_unmet(
    rows: list[tuple[UnmetConstraint, np.ndarray, float]],
    n_structural: int,
    a_ub: Any,
    b_ub: np.ndarray,
    e: int,
) -> list[UnmetConstraint]:
    """Which balance constraints cannot hold together: minimise their total shortfall.

    This is the LP relaxation with a shortfall column per balance row. It is only called once
    the strict model is infeasible; when even the LP needs a shortfall, the constraints that
    carry it are the ones to report. (An elastic MILP was tried: HiGHS did not find even the
    trivial all-zero solution within minutes.) Shortfalls are in mentees (a share row moves by
    min(share, 1 - share) per mentee), so no constraint looks cheaper merely by its units.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, hstack, identity, vstack

    k = len(rows)
    unit = np.array([max(np.abs(coef[coef != 0]).min(initial=1.0), 1e-3) for _, coef, _ in rows])
    shortfall_columns = vstack([csr_matrix((n_structural, k)), -identity(k)])
    result = linprog(
        np.r_[np.zeros(e), 1.0 / unit],
        A_ub=hstack([a_ub, shortfall_columns], format="csr"),
        b_ub=b_ub,
        bounds=np.column_stack([np.zeros(e + k), np.r_[np.ones(e), np.full(k, np.inf)]]),
        method="highs",
    )
    shortfall = result.x[e:] / unit if result.x is not None else np.full(k, np.nan)
    unmet = []
    for (constraint, _, _), missing in zip(rows, shortfall, strict=True):
        # LP-feasible but integer-infeasible (rare: e.g. a share only reachable with half a
        # mentee) leaves every shortfall at 0; then every constraint is listed, flagged so.
        if not missing > 1e-6 and np.nansum(shortfall) > 1e-6:
            continue
        params = {**constraint.params, "shortfall_mentees": round(float(missing), 3)}
        unmet.append(UnmetConstraint(constraint.code, params))
    return unmet


def _solve_milp_rc_fixing(
    c: np.ndarray,
    a_ub: Any,
    b_ub: np.ndarray,
    mip_gap: float,
    time_limit: float,
) -> tuple[np.ndarray, float | None] | None:
    """``min c.x  s.t.  a_ub x <= b_ub,  x binary``; None when infeasible.

    Handing the full model (50 binaries per mentee) to HiGHS, CP-SAT or SCIP took minutes, yet
    its LP relaxation solves in seconds and is almost integral: the assignment part is totally
    unimodular and only the few balance rows break that. So: solve the LP (its value bounds
    every solution); a binary whose reduced cost exceeds ``delta`` can only leave its LP bound
    in solutions worse than ``lp + delta``, so fix it and solve the small MILP on the remaining
    columns. If the result is within ``mip_gap`` of the LP bound we are done (certified);
    otherwise ``delta`` = (incumbent - lp) fixes nothing that could beat the incumbent, and a
    second solve finishes the job. Returns (solution, certified relative gap or None when the
    time limit struck first).
    """
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    if c.size == 0:
        # No candidate edges: the empty assignment is the only one.
        return (np.zeros(0), 0.0) if (b_ub >= 0).all() else None
    deadline = time.monotonic() + time_limit
    lp = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    if lp.status == 2:
        return None
    if lp.status != 0:
        raise RuntimeError(f"balance LP relaxation failed: {lp.message}")
    at_lower_cost = np.asarray(lp.lower.marginals)  # >= 0 for variables resting at 0
    at_upper_cost = -np.asarray(lp.upper.marginals)  # >= 0 for variables resting at 1
    scale = max(1.0, abs(lp.fun))
    # Scores differ by fractions of a point, so a delta of one point already leaves only a
    # few thousand free columns, which HiGHS solves in about a second.
    delta = 1.0
    best_x, best_fun = None, np.inf
    while True:
        fixed_one = at_upper_cost > delta
        free = ~(fixed_one | (at_lower_cost > delta))
        # Dropping fixed columns (rather than bounding them) keeps HiGHS' presolve on a small
        # matrix; fixed-at-one columns move into the right-hand side.
        rhs = b_ub - a_ub[:, np.flatnonzero(fixed_one)] @ np.ones(int(fixed_one.sum()))
        columns = np.flatnonzero(free)
        result = milp(
            c[columns],
            constraints=LinearConstraint(a_ub[:, columns], -np.inf, rhs),
            integrality=np.ones(columns.size),
            bounds=Bounds(0, 1),
            options={
                "time_limit": max(1.0, deadline - time.monotonic()),
                "mip_rel_gap": mip_gap,
                "disp": False,
            },
        )
        if result.x is not None:
            x = fixed_one.astype(np.float64)
            x[columns] = np.rint(result.x)
            fun = float(c @ x)
            if fun < best_fun:
                best_x, best_fun = x, fun
        if best_x is not None and best_fun - lp.fun <= mip_gap * scale:
            return best_x, (best_fun - lp.fun) / scale  # certified by the LP bound
        if best_x is not None and result.status == 0 and delta >= best_fun - lp.fun:
            # Whatever the fixing excluded is no better than the incumbent, and the restricted
            # model was solved to mip_gap: certified.
            return best_x, float(getattr(result, "mip_gap", None) or 0.0)
        if result.status == 2 and not np.isfinite(delta):
            return None  # integer infeasible even though the LP is not
        if time.monotonic() >= deadline:
            break
        if best_x is not None:
            delta = max(best_fun - lp.fun, 2.0 * delta)
        else:
            delta = 10.0 * MAX_SCORE if delta < 10.0 * MAX_SCORE else np.inf
    if best_x is None:
        raise RuntimeError("balance model found no solution within the time limit")
    return best_x, None


# --------------------------------------------------------------------------------------------
# Exact references
# --------------------------------------------------------------------------------------------


def assign_exact_dense(scores: np.ndarray, capacities: np.ndarray | Sequence[int]) -> Assignment:
    """Exact maximum-total-score assignment via ``scipy.optimize.linear_sum_assignment``.

    Each mentor is expanded into ``capacity`` identical slots; infeasible pairs get weight 0
    (worth the same as staying unmatched) and are dropped afterwards. Memory is
    ``n_mentees * sum(capacities)`` floats, so this is for small and medium instances.
    """
    from scipy.optimize import linear_sum_assignment

    scores, caps = _check_inputs(scores, capacities)
    n, _ = scores.shape
    pairs = np.full(n, -1, dtype=np.int64)
    slots = np.repeat(np.arange(caps.size), caps)
    if n == 0 or slots.size == 0:
        return Assignment.from_pairs(pairs, scores, method="exact_dense")
    weight = np.maximum(scores[:, slots], 0.0).astype(np.float64)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    mentors = slots[cols]
    keep = scores[rows, mentors] >= 0
    pairs[rows[keep]] = mentors[keep]
    return Assignment.from_pairs(pairs, scores, method="exact_dense")


def brute_force_optimum(
    scores: np.ndarray, capacities: np.ndarray | Sequence[int], *, max_mentees: int = 9
) -> Assignment:
    """Exhaustive search over every capacity-respecting assignment (tiny instances only)."""
    scores, caps = _check_inputs(scores, capacities)
    n = scores.shape[0]
    if n > max_mentees:
        raise ValueError(f"brute force is limited to {max_mentees} mentees")
    options = [[-1, *np.flatnonzero(scores[i] >= 0).tolist()] for i in range(n)]
    best_total, best_pairs = -1.0, [-1] * n
    for combo in itertools.product(*options):
        used = [j for j in combo if j >= 0]
        if any(used.count(j) > caps[j] for j in set(used)):
            continue
        total = float(sum(float(scores[i, j]) for i, j in enumerate(combo) if j >= 0))
        if total > best_total:
            best_total, best_pairs = total, list(combo)
    return Assignment.from_pairs(np.array(best_pairs), scores, method="brute_force")


__all__ = [
    "COMPONENTS",
    "FORMATS",
    "INFEASIBLE",
    "REGION_PREFERENCES",
    "Assignment",
    "Balance",
    "Explanation",
    "MenteePool",
    "MentorPool",
    "Reason",
    "UnmetConstraint",
    "Weights",
    "assign_exact_dense",
    "assign_greedy",
    "assign_optimal",
    "assignment_violations",
    "brute_force_optimum",
    "compare",
    "explain_pair",
    "mask_to_bits",
    "score_matrix",
    "score_pair_reference",
    "self_pairs",
    "top_k_candidates",
]
