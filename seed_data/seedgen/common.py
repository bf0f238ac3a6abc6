"""Shared helpers: the snapshot date, distances, identifiers and CSV output."""

import csv
import math
import random
from datetime import date, timedelta
from pathlib import Path

from jobmatch.validators import credit_code_check_char, id_check_char

# The day the seed describes: everything recorded happened on or before it.
SNAPSHOT = date(2026, 11, 15)
AREA_CODE = "140222"  # 天镇县
RNG_SEED = 20250408

# Prefixes of the three carriers' mobile ranges (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = [
    *("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158"),
    *("159", "178", "182", "183", "184", "187", "188", "198", "130", "131", "132", "145"),
    *("155", "156", "166", "175", "176", "185", "186", "133", "149", "153", "173", "177"),
    *("180", "181", "189", "191", "199"),
]

ORG_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = rlat2 - rlat1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def sixteenth_birthday(birth: date) -> date:
    try:
        return birth.replace(year=birth.year + 16)
    except ValueError:  # born on 29 February
        return date(birth.year + 16, 3, 1)


def weighted_choice(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def make_id_number(birth: date, female: bool, used: set[str], rng: random.Random) -> str:
    """A GB 11643 number of Tianzhen county: odd sequence for men, even for women."""
    while True:
        serial = rng.randrange(0, 500) * 2 + (0 if female else 1)
        first17 = f"{AREA_CODE}{birth:%Y%m%d}{serial:03d}"
        number = first17 + id_check_char(first17)
        if number not in used:
            used.add(number)
            return number


def make_credit_code(rng: random.Random, used: set[str]) -> str:
    """A GB 32100 code of a company registered in the county (9 1 140222 + org code + check)."""
    while True:
        body = "MA0" + "".join(rng.choice(ORG_CODE_CHARS) for _ in range(5))
        # GB 11714 check character of the nine-character organisation code.
        total = sum(_org_value(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
        check = 11 - total % 11
        org_code = body + {10: "X", 11: "0"}.get(check, str(check))
        first17 = f"91{AREA_CODE}{org_code}"
        code = first17 + credit_code_check_char(first17)
        if code not in used:
            used.add(code)
            return code


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - 55  # GB 11714: A=10 ... Z=35


def make_mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if number not in used:
            used.add(number)
            return number


def join(values) -> str:
    """Lists are written as ``a;b;c`` inside one CSV cell."""
    return ";".join(values)


def write_csv(path: Path, fieldnames: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in fieldnames})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)
