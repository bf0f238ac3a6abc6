"""About 3,000 registered residents: an older, little-schooled rural labour force."""

import random
from datetime import date, timedelta

from faker import Faker

from seedgen.common import (
    SNAPSHOT,
    make_id_number,
    make_mobile,
    random_day,
    sixteenth_birthday,
    weighted_choice,
)
from seedgen.places import COMMUNITIES, WANJIALE

RESIDENTS = 3000

# Age band (inclusive) -> weight: the young have mostly left for the cities.
AGE_BANDS = {
    (16, 19): 3, (20, 24): 5, (25, 29): 6, (30, 34): 8, (35, 39): 9,
    (40, 44): 11, (45, 49): 14, (50, 54): 16, (55, 59): 16, (60, 64): 12,
}  # fmt: skip

# Education by age (upper age bound of the band -> weights).
EDUCATION_BY_AGE = [
    (24, {"primary": 2, "junior_high": 40, "senior_high": 22, "secondary_vocational": 20,
          "college": 12, "bachelor": 4}),
    (34, {"primary": 4, "junior_high": 45, "senior_high": 16, "secondary_vocational": 15,
          "college": 14, "bachelor": 6}),
    (44, {"other": 2, "primary": 12, "junior_high": 58, "senior_high": 14,
          "secondary_vocational": 8, "college": 5, "bachelor": 1}),
    (54, {"other": 6, "primary": 27, "junior_high": 52, "senior_high": 10,
          "secondary_vocational": 4, "college": 1}),
    (64, {"other": 15, "primary": 40, "junior_high": 38, "senior_high": 5,
          "secondary_vocational": 2}),
]  # fmt: skip

EDUCATION_WAGE = {
    "other": 0, "primary": 0, "junior_high": 200, "senior_high": 500,
    "secondary_vocational": 600, "college": 1000, "bachelor": 1500,
}  # fmt: skip

# Skills people declare when they register, with the chance of each (by gender).
DECLARED_SKILLS = {
    "female": {"sewing": 0.14, "knitting": 0.10, "embroidery": 0.05, "cooking": 0.10,
               "cleaning": 0.10, "domestic_service": 0.05, "pastry": 0.06, "packing": 0.08,
               "vegetable_processing": 0.06, "handicraft": 0.04, "quality_check": 0.02},
    "male": {"loading": 0.14, "truck_driving": 0.07, "welding": 0.05, "electrician": 0.03,
             "security_guard": 0.07, "warehouse": 0.04, "machine_repair": 0.04, "packing": 0.06,
             "cooking": 0.04, "grain_processing": 0.05, "carton_making": 0.02},
}  # fmt: skip
YOUNG_SKILLS = {"short_video": 0.12, "ecommerce": 0.08, "online_customer_service": 0.06,
                "livestream_selling": 0.03, "electronic_assembly": 0.05,
                "parcel_sorting": 0.05}  # fmt: skip

GIVEN_CHARS = {
    "female": "秀英桂兰玉梅凤芳丽红霞娟春花翠莲美琴燕萍敏静婷慧丽娜雪梅晓丹",
    "male": "建国军平文明志强海东伟刚永福德宝林成亮斌俊杰鹏飞宏胜利华忠富",
}


def _name(fake: Faker, female: bool, rng: random.Random) -> str:
    chars = GIVEN_CHARS["female" if female else "male"]
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
    return fake.last_name() + given


def _birth_date(rng: random.Random, female: bool) -> date:
    low, high = weighted_choice(rng, AGE_BANDS)
    age = rng.randint(low, high)
    latest = date(SNAPSHOT.year - age, SNAPSHOT.month, SNAPSHOT.day)
    return latest - timedelta(days=rng.randint(0, 364))


def _age(birth: date) -> int:
    had = (SNAPSHOT.month, SNAPSHOT.day) >= (birth.month, birth.day)
    return SNAPSHOT.year - birth.year - (0 if had else 1)


def _groups(rng: random.Random, in_wanjiale: bool, age: int, female: bool) -> list[str]:
    groups = []
    if in_wanjiale or rng.random() < 0.05:
        groups.append("relocated")  # 万家乐 is the county's largest relocation district
    if rng.random() < (0.6 if in_wanjiale else 0.25):
        groups.append("poverty_alleviated")
    if rng.random() < 0.05:
        groups.append("monitored")
    if rng.random() < (0.12 if age >= 55 else 0.05):
        groups.append("low_income")
    if rng.random() < 0.04:
        groups.append("disabled")
    if rng.random() < 0.02:
        groups.append("zero_employment_family")
    if not female and 22 <= age <= 60 and rng.random() < 0.06:
        groups.append("veteran")
    return groups


def make_residents(communities: list[dict], grids: list[dict], rng: random.Random) -> list[dict]:
    fake = Faker("zh_CN")
    fake.seed_instance(rng.randrange(2**32))
    used_ids: set[str] = set()
    used_phones: set[str] = set()
    weights = {c["id"]: w for c, (_n, _la, _lo, w) in zip(communities, COMMUNITIES, strict=True)}
    grids_of = {
        c["id"]: [g["id"] for g in grids if g["community_id"] == c["id"]] for c in communities
    }
    wanjiale_id = next(c["id"] for c in communities if c["name"] == WANJIALE)
    residents = []
    for resident_id in range(1, RESIDENTS + 1):
        community_id = weighted_choice(rng, weights)
        # Women register for training more often than men do.
        female = rng.random() < 0.54
        birth = _birth_date(rng, female)
        age = _age(birth)
        education = weighted_choice(rng, next(w for bound, w in EDUCATION_BY_AGE if age <= bound))
        skill_chances = dict(DECLARED_SKILLS["female" if female else "male"])
        if age <= 35:
            skill_chances.update(YOUNG_SKILLS)
        skills = sorted(code for code, p in skill_chances.items() if rng.random() < p)
        desired = None
        if rng.random() < 0.85:
            base = 2700 + EDUCATION_WAGE[education] + (300 if not female else 0)
            base -= 15 * max(0, age - 45)
            desired = int(round(max(2000, min(6000, rng.gauss(base, 450))), -2))
        shift = weighted_choice(
            rng,
            {"day": 0.7, "any": 0.27, "night": 0.03}
            if female or age >= 50
            else {"day": 0.35, "any": 0.55, "night": 0.10},
        )
        far = community_id > 9  # township communities: people often want work close to home
        max_commute = None
        if rng.random() < (0.45 if far else 0.25):
            max_commute = rng.choice([5, 10, 15, 20, 30] if far else [3, 5, 8, 10])
        registered_on = max(
            random_day(rng, date(2024, 3, 1), date(2026, 10, 31)),
            sixteenth_birthday(birth),
        )
        residents.append(
            {
                "id": resident_id,
                "name": _name(fake, female, rng),
                "id_number": make_id_number(birth, female, used_ids, rng),
                "phone": make_mobile(rng, used_phones),
                "education": education,
                "community_id": community_id,
                "grid_id": rng.choice(grids_of[community_id]),
                "skills": skills,
                "groups": _groups(rng, community_id == wanjiale_id, age, female),
                "desired_wage": desired,
                "shift_preference": shift,
                "max_commute_km": max_commute,
                "employment_status": "unemployed",
                "registered_on": registered_on,
                # Working fields for the later steps; not written out.
                "birth_date": birth,
                "age": age,
                "female": female,
            }
        )
    return residents
