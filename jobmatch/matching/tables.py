"""Residents and posts as column arrays: what eligibility, features and scoring read.

Records (plain dataclasses) come from the database or from a test; tables turn them into numpy
columns indexed by row, so that one resident against every post, or every resident against one
post, is a handful of array operations. Skills and programs are columns of boolean matrices
over a shared vocabulary.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from jobmatch.education import EDUCATION_RANK
from jobmatch.matching.packed import PackedNames, RowIndex
from jobmatch.posts.enums import Category, PostStatus, Shift
from jobmatch.residents.enums import EmploymentStatus, ShiftPreference
from jobmatch.residents.models import PRIORITY_GROUPS

SHIFT_CODES = {Shift.DAY: 0, Shift.NIGHT: 1, Shift.ROTATING: 2}
PREFERENCE_CODES = {ShiftPreference.ANY: 0, ShiftPreference.DAY: 1, ShiftPreference.NIGHT: 2}
NO_MAX_AGE = 999
NO_EXPIRY = 99_991_231
_serials = itertools.count(1)


def next_serial() -> int:
    """A number never handed out before in this process: tables and their versions, so that
    a key made from them never matches one of a table since replaced."""
    return next(_serials)


def day_key(day: date) -> int:
    """yyyymmdd as an integer: (key(day) - key(birth)) // 10000 is the age in whole years."""
    return day.year * 10000 + day.month * 100 + day.day


@dataclass
class ResidentRecord:
    id: int
    name: str
    birth_date: date
    education: str = "junior_high"
    lat: float | None = None
    lon: float | None = None
    desired_wage: int | None = None
    shift_preference: str = ShiftPreference.ANY
    max_commute_km: float | None = None
    employment_status: str = EmploymentStatus.UNEMPLOYED
    skills: frozenset[str] = frozenset()
    completed_programs: frozenset[str] = frozenset()  # completed enrollments, passed or not
    certificates: frozenset[str] = frozenset()  # completed and passed: the program's certificate
    groups: frozenset[str] = frozenset()
    applications: int = 0
    hires: int = 0
    # Optional facts given with consent; None is "not said".
    has_transport: bool | None = None
    night_shift_ok: bool | None = None
    caregiver: bool | None = None
    applied_posts: frozenset[int] = frozenset()  # posts applied to (any status)
    # Each application as (post id, status, yyyymmdd made): the snapshot's demand counters.
    outcomes: tuple[tuple[int, str, int], ...] = ()


@dataclass
class PostRecord:
    id: int
    firm_id: int
    title: str
    category: str = Category.GENERAL
    occupation_code: str | None = None
    openings: int = 1
    filled: int = 0
    wage_min: int = 3000
    wage_max: int = 4000
    shift: str = Shift.DAY
    min_education: str | None = None
    min_age: int = 16
    max_age: int | None = None
    meals_provided: bool = False
    housing_provided: bool = False
    status: str = PostStatus.OPEN
    expires_on: date | None = None
    lat: float | None = None
    lon: float | None = None
    firm_name: str = ""
    required_skills: tuple[str, ...] = ()
    required_certificates: tuple[str, ...] = ()
    firm_rate_lift: float = 0.0  # the firm's smoothed hire rate over the county's (features.py)
    opened_on: date | None = None  # first day on offer (the day it was posted)
    closed_on: date | None = None  # last day on offer, when closed or paused since
    pending: int = 0  # applications still waiting for a decision


@dataclass
class Vocabulary:
    """Skill and program codes in column order, with their names and occupations."""

    skills: list[str] = field(default_factory=list)
    skill_names: dict[str, str] = field(default_factory=dict)
    skill_occupations: dict[str, str | None] = field(default_factory=dict)
    programs: list[str] = field(default_factory=list)
    program_names: dict[str, str] = field(default_factory=dict)
    program_occupations: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self):
        self.skill_column = {code: i for i, code in enumerate(self.skills)}
        self.program_column = {code: i for i, code in enumerate(self.programs)}

    def skill_matrix(self, code_sets) -> np.ndarray:
        matrix = np.zeros((len(code_sets), max(len(self.skills), 1)), dtype=bool)
        for row, codes in enumerate(code_sets):
            matrix[row, [self.skill_column[c] for c in codes if c in self.skill_column]] = True
        return matrix

    def program_matrix(self, code_sets) -> np.ndarray:
        matrix = np.zeros((len(code_sets), max(len(self.programs), 1)), dtype=bool)
        for row, codes in enumerate(code_sets):
            matrix[row, [self.program_column[c] for c in codes if c in self.program_column]] = True
        return matrix


def asked_columns(resident_matrix: np.ndarray, ri, post_rows: np.ndarray):
    """(residents' column at rows ``ri``, posts' column) for each column of a matrix (skills,
    programs) that some of these posts ask about (non-zero): the others add nothing to a count,
    an any or a max of non-negative values. A post asks about one or two of dozens, so one
    post against a million residents reads a few columns, each in one pass, rather than
    gathering every column and reducing along each short row."""
    width = post_rows.shape[-1]
    for column in np.flatnonzero(post_rows.reshape(-1, width).any(axis=0)):
        yield resident_matrix[ri, column], post_rows[..., column]


def occupation_relevance(post_code: str | None, other: str | None) -> float:
    """1 for the same occupation, 0.5 for the same small group (6-05-01), 0.25 for the middle."""
    if not post_code or not other:
        return 0.0
    if post_code == other:
        return 1.0
    if post_code[:7] == other[:7]:
        return 0.5
    if post_code[:4] == other[:4]:
        return 0.25
    return 0.0


def _tristate(values) -> np.ndarray:
    """1 yes, 0 no, -1 not said."""
    return np.array([-1 if v is None else int(bool(v)) for v in values], dtype=np.int8)


def _coordinate(value: float | None) -> float:
    return np.nan if value is None else float(value)


class ResidentTable:
    """Residents as columns; rows are updated in place or appended, never reordered.

    Columns live in buffers with spare rows, and each column attribute is a view of the first
    ``len(self)`` rows: appending fills spare rows and then re-exposes longer views (a reader
    holding the old views sees the old rows), and a buffer is reallocated, doubled, only when
    full. Home points are numbered through ``place_of``, so a changed or new resident costs a
    dictionary look-up, not a re-index of everyone. ``version`` is a sequence lock: odd while
    rows are being written, so a reader can tell whether its reading overlapped a write.
    """

    COLUMNS = ("ids", "birth_key", "education", "lat", "lon", "desired_wage", "preference")
    COLUMNS += ("max_commute", "unemployed", "applications", "hires", "alive")
    COLUMNS += ("transport", "night_ok", "caregiver")
    MATRICES = ("skills", "completed", "certificates", "groups")
    SPARE = 0.25  # spare rows kept beyond the residents held, as a share of them

    def __init__(self, records: list[ResidentRecord], vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.serial = next_serial()
        self.version = 0
        self.rows_written = 0  # rows overwritten or appended since built (tests count them)
        self.reallocations = 0
        columns = self._columns(records)
        size, capacity = len(records), max(16, int(len(records) * (1 + self.SPARE)))
        self._buffers = {}
        for name, values in columns.items():
            self._buffers[name] = np.zeros((capacity, *values.shape[1:]), dtype=values.dtype)
            self._buffers[name][:size] = values
        self._buffers["row_version"] = np.zeros(capacity, dtype=np.int64)
        self._buffers["place"] = np.zeros(capacity, dtype=np.int64)
        self._size = size
        self.names = PackedNames([r.name for r in records])
        self.applied = [r.applied_posts for r in records]
        self.outcomes = [r.outcomes for r in records]
        self.index = RowIndex(self._buffers["ids"][:size])
        self._index_places()
        self._expose()

    def __len__(self) -> int:
        return self._size

    def _columns(self, records: list[ResidentRecord]) -> dict[str, np.ndarray]:
        v = self.vocabulary
        return {
            "ids": np.array([r.id for r in records], dtype=np.int64),
            "birth_key": np.array([day_key(r.birth_date) for r in records], dtype=np.int64),
            "education": np.array([EDUCATION_RANK[r.education] for r in records], dtype=np.int8),
            "lat": np.array([_coordinate(r.lat) for r in records], dtype=np.float64),
            "lon": np.array([_coordinate(r.lon) for r in records], dtype=np.float64),
            "desired_wage": np.array(
                [np.nan if r.desired_wage is None else r.desired_wage for r in records],
                dtype=np.float64,
            ),
            "preference": np.array(
                [PREFERENCE_CODES[r.shift_preference] for r in records], dtype=np.int8
            ),
            "max_commute": np.array(
                [_coordinate(r.max_commute_km) for r in records], dtype=np.float64
            ),
            "unemployed": np.array(
                [r.employment_status == EmploymentStatus.UNEMPLOYED for r in records], dtype=bool
            ),
            "applications": np.array([r.applications for r in records], dtype=np.float64),
            "hires": np.array([r.hires for r in records], dtype=np.float64),
            "alive": np.ones(len(records), dtype=bool),
            "transport": _tristate([r.has_transport for r in records]),
            "night_ok": _tristate([r.night_shift_ok for r in records]),
            "caregiver": _tristate([r.caregiver for r in records]),
            "skills": v.skill_matrix([r.skills for r in records]),
            "completed": v.program_matrix([r.completed_programs for r in records]),
            "certificates": v.program_matrix([r.certificates for r in records]),
            "groups": np.array(
                [[g in r.groups for g in PRIORITY_GROUPS] for r in records], dtype=bool
            ).reshape(len(records), len(PRIORITY_GROUPS)),
        }

    def _expose(self) -> None:
        for name, buffer in self._buffers.items():
            setattr(self, name, buffer[: self._size])

    def _index_places(self) -> None:
        """Residents live at a few dozen community or grid points: ``place`` numbers them, so a
        commute is computed once per point and post, then gathered (see eligibility.py). The
        one sort over everyone happens here, at build; later rows go through ``place_of``."""
        size = self._size
        lat, lon = self._buffers["lat"][:size], self._buffers["lon"][:size]
        points = np.stack([np.nan_to_num(lat, nan=999.0), np.nan_to_num(lon, nan=999.0)])
        unique, place = np.unique(points.T, axis=0, return_inverse=True)
        self._buffers["place"][:size] = place.reshape(-1)
        self.place_of = {(float(a), float(b)): i for i, (a, b) in enumerate(unique)}
        unique[unique == 999.0] = np.nan
        self.place_lat, self.place_lon = unique[:, 0].copy(), unique[:, 1].copy()

    def _place(self, lat: float | None, lon: float | None) -> int:
        key = (999.0 if lat is None else float(lat), 999.0 if lon is None else float(lon))
        place = self.place_of.get(key)
        if place is None:
            place = self.place_of[key] = len(self.place_lat)
            # New arrays, not an edit: the commute table is kept per place_lat array.
            self.place_lat = np.append(self.place_lat, _coordinate(lat))
            self.place_lon = np.append(self.place_lon, _coordinate(lon))
        return place

    def _grow(self, needed: int) -> None:
        capacity = max(needed, 2 * len(self._buffers["ids"]))
        for name, buffer in self._buffers.items():
            grown = np.zeros((capacity, *buffer.shape[1:]), dtype=buffer.dtype)
            grown[: self._size] = buffer[: self._size]
            self._buffers[name] = grown
        self.reallocations += 1

    def upsert(self, records: list[ResidentRecord]) -> None:
        """Overwrite the rows of residents already held and append the new ones: the work is
        in proportion to the records given, not to the residents held."""
        if not records:
            return
        rows, start = [], self._size
        for record in records:
            row = self.index.get(record.id)
            if row is None:
                row = self.index[record.id] = start
                start += 1
                self.names.append(record.name)
                self.applied.append(record.applied_posts)
                self.outcomes.append(record.outcomes)
            else:
                self.names[row] = record.name
                self.applied[row] = record.applied_posts
                self.outcomes[row] = record.outcomes
            rows.append(row)
        if start > len(self._buffers["ids"]):
            self._grow(start)
        rows_array = np.array(rows, dtype=np.int64)
        self.version += 1  # odd: writing
        try:
            for name, values in self._columns(records).items():
                self._buffers[name][rows_array] = values
            self._buffers["place"][rows_array] = [self._place(r.lat, r.lon) for r in records]
            self._buffers["row_version"][rows_array] += 1
            self._size = start
            self._expose()
        finally:
            self.version += 1
        self.rows_written += len(records)

    def remove(self, resident_ids) -> None:
        rows = [self.index[int(rid)] for rid in resident_ids if int(rid) in self.index]
        if rows:
            self.version += 1
            self.alive[rows] = False
            self.row_version[rows] += 1
            self.version += 1


class PostTable:
    """Posts as columns, rebuilt whole when any post changes (there are hundreds, not 100,000)."""

    version = 0  # the snapshot's count of changes to this table (refresh.py)

    def __init__(self, records: list[PostRecord], vocabulary: Vocabulary):
        v = self.vocabulary = vocabulary
        self.records = records
        self._open_on: tuple | None = None
        self.ids = np.array([p.id for p in records], dtype=np.int64)
        self.index = {int(pid): row for row, pid in enumerate(self.ids)}
        self.firm_ids = np.array([p.firm_id for p in records], dtype=np.int64)
        self.status_open = np.array([p.status == PostStatus.OPEN for p in records], dtype=bool)
        self.openings_left = np.array([p.openings - p.filled for p in records], dtype=np.int64)
        self.expires_key = np.array(
            [NO_EXPIRY if p.expires_on is None else day_key(p.expires_on) for p in records],
            dtype=np.int64,
        )
        self.min_age = np.array([p.min_age for p in records], dtype=np.int64)
        self.max_age = np.array(
            [NO_MAX_AGE if p.max_age is None else p.max_age for p in records], dtype=np.int64
        )
        self.min_education = np.array(
            [-1 if p.min_education is None else EDUCATION_RANK[p.min_education] for p in records],
            dtype=np.int8,
        )
        self.lat = np.array([_coordinate(p.lat) for p in records], dtype=np.float64)
        self.lon = np.array([_coordinate(p.lon) for p in records], dtype=np.float64)
        self.wage_min = np.array([p.wage_min for p in records], dtype=np.float64)
        self.wage_max = np.array([p.wage_max for p in records], dtype=np.float64)
        self.shift = np.array([SHIFT_CODES[p.shift] for p in records], dtype=np.int8)
        self.skilled = np.array([p.category == Category.SKILLED for p in records], dtype=np.float64)
        self.perks = np.array(
            [int(p.meals_provided) + int(p.housing_provided) for p in records], dtype=np.float64
        )
        self.firm_rate_lift = np.array([p.firm_rate_lift for p in records], dtype=np.float64)
        self.opened_key = np.array(
            [0 if p.opened_on is None else day_key(p.opened_on) for p in records], dtype=np.int64
        )
        self.closed_key = np.array(
            [NO_EXPIRY if p.closed_on is None else day_key(p.closed_on) for p in records],
            dtype=np.int64,
        )
        self.pending = np.array([p.pending for p in records], dtype=np.int64)
        self.required_skills = v.skill_matrix([p.required_skills for p in records])
        self.required_count = self.required_skills.sum(axis=1).astype(np.float64)
        self.certificates = v.program_matrix([p.required_certificates for p in records])
        self.occupation_skills = np.array(
            [[v.skill_occupations.get(s) == p.occupation_code for s in v.skills] for p in records],
            dtype=bool,
        ).reshape(len(records), len(v.skills))
        if not v.skills:
            self.occupation_skills = np.zeros((len(records), 1), dtype=bool)
        # The same as column lists, for the few pairs whose reasons are written.
        self.required_columns = [np.flatnonzero(row).tolist() for row in self.required_skills]
        self.occupation_columns = [np.flatnonzero(row).tolist() for row in self.occupation_skills]
        self.training_relevance = np.array(
            [
                [
                    occupation_relevance(p.occupation_code, v.program_occupations.get(c))
                    for c in v.programs
                ]
                or [0.0]
                for p in records
            ],
            dtype=np.float64,
        ).reshape(len(records), max(len(v.programs), 1))

    def __len__(self) -> int:
        return len(self.ids)

    def open_on(self, pi, on_keys) -> np.ndarray:
        """Whether posts ``pi`` were on offer on days ``on_keys`` (yyyymmdd, broadcast): posted
        by then, not yet expired, closed or paused. For training examples of past days."""
        on_keys = np.asarray(on_keys)
        return (
            (self.opened_key[pi] <= on_keys)
            & (on_keys <= self.expires_key[pi])
            & (on_keys <= self.closed_key[pi])
        )

    def open_mask(self, today: date) -> np.ndarray:
        """Open, with an opening left, not expired: the post-side half of eligibility."""
        if self._open_on is None or self._open_on[0] != today:
            mask = (
                self.status_open & (self.openings_left > 0) & (self.expires_key >= day_key(today))
            )
            self._open_on = (today, mask)
        return self._open_on[1]
