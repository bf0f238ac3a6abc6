"""Every code set says each code one way: pages, exports, notices and the import agree."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import CheckConstraint

from jobmatch.accounts.enums import Role
from jobmatch.applications.enums import ApplicationStatus, Reason
from jobmatch.education import EDUCATION_CODES, Education, parse_education
from jobmatch.extensions import db
from jobmatch.orders.enums import Product, ReviewVerdict
from jobmatch.posts.enums import Category, PostStatus, Shift
from jobmatch.reports import xlsx
from jobmatch.residents import vocabulary as roster_words
from jobmatch.residents.enums import (
    EmploymentStatus,
    Gender,
    PriorityGroup,
    ShiftPreference,
    YesNo,
)
from jobmatch.training.enums import (
    AttendanceMark,
    CertificateType,
    CohortMode,
    EnrollmentStatus,
)
from jobmatch.vocabulary import Vocabulary, compact
from jobmatch.web.labels import CODE_SETS
from tests.factories import auth_headers, make_quick_user, make_resident


def _all_code_sets() -> list[type[Vocabulary]]:
    found, pending = [], list(Vocabulary.__subclasses__())
    while pending:
        code_set = pending.pop()
        found.append(code_set)
        pending.extend(code_set.__subclasses__())
    return sorted(found, key=lambda code_set: code_set.__name__)


CODE_SET_LIST = _all_code_sets()
MEMBERS = [member for code_set in CODE_SET_LIST for member in code_set]

# The column whose check constraint each stored code set is; Product is free text in orders.
STORED_IN = {
    ApplicationStatus: ("applications", "status"),
    Reason: ("applications", "reason"),
    Role: ("users", "role"),
    Category: ("posts", "category"),
    Shift: ("posts", "shift"),
    PostStatus: ("posts", "status"),
    Gender: ("residents", "gender"),
    ShiftPreference: ("residents", "shift_preference"),
    EmploymentStatus: ("residents", "employment_status"),
    CohortMode: ("cohorts", "mode"),
    EnrollmentStatus: ("enrollments", "status"),
    CertificateType: ("programs", "certificate_type"),
    AttendanceMark: ("attendance_changes", "was"),
    ReviewVerdict: ("delivery_reviews", "verdict"),
}


def _full_width(text: str) -> str:
    """What a Chinese input method types for ASCII: "ｈｉｒｅｄ" for "hired"."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_every_code_set_is_found_and_known_to_the_pages():
    assert len(CODE_SET_LIST) >= 14
    assert Education in CODE_SET_LIST and PriorityGroup in CODE_SET_LIST
    # Genders are not shown on any page yet, and a roster's yes/no cells are only read;
    # every other set is.
    assert set(CODE_SET_LIST) - set(CODE_SETS.values()) == {Gender, YesNo}


@pytest.mark.parametrize("code_set", CODE_SET_LIST, ids=lambda c: c.__name__)
def test_labels_are_there_and_unique_and_words_never_name_two_codes(code_set):
    assert code_set.noun, "a code set names itself for its messages"
    labels = [member.label for member in code_set]
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels)
    owner: dict[str, Vocabulary] = {}
    for member in code_set:
        assert member.value == str(member) and member.value.isascii()
        for word in (member.value, member.label, *member.synonyms):
            key = compact(word)
            assert owner.setdefault(key, member) is member, f"{word} names {owner[key]} too"


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_word_of_a_code_parses_back_to_it(member):
    code_set = type(member)
    for word in (member.value, member.label, *member.synonyms):
        assert code_set.parse(word) is member
        assert code_set.parse(f" {word} ") is member
        assert code_set.parse(_full_width(word)) is member
    assert code_set.parse(member.value.upper()) is member
    assert code_set.label_of(member.value) == member.label


@pytest.mark.parametrize("code_set", CODE_SET_LIST, ids=lambda c: c.__name__)
def test_an_unknown_word_is_refused_with_the_labels_to_write(code_set):
    with pytest.raises(ValueError) as refused:
        code_set.parse("幼儿园大班")
    message = str(refused.value)
    assert code_set.noun in message
    assert all(member.label in message for member in code_set)
    assert code_set.label_of("幼儿园大班") == "幼儿园大班"
    assert code_set.label_of(None, "") == ""


@pytest.mark.parametrize("code_set", list(STORED_IN), ids=lambda c: c.__name__)
def test_the_check_constraint_allows_exactly_the_codes(app, code_set):
    table, column = STORED_IN[code_set]
    (check,) = [
        constraint
        for constraint in db.metadata.tables[table].constraints
        if isinstance(constraint, CheckConstraint) and constraint.name == f"ck_{table}_{column}"
    ]
    text = str(check.sqltext)
    assert f"{column} IN ({', '.join(repr(code) for code in code_set.values())})" in text


def test_education_keeps_its_gb_t_4658_numbers():
    assert [member.code for member in Education] == [10, 20, 30, 40, 60, 70, 80, 90]
    assert tuple(EDUCATION_CODES) == Education.values()
    for member in Education:
        assert parse_education(str(member.code)) == member.value
        assert parse_education(f"{member.label}毕业") == member.value


@pytest.mark.parametrize("name", sorted(CODE_SETS))
def test_pages_show_the_enum_label(app, name):
    code_set = CODE_SETS[name]
    template = app.jinja_env.from_string(
        "{% for code in codes %}{{ code | label(name) }}={{ labels[name][code] }};{% endfor %}"
    )
    with app.test_request_context():
        shown = template.render(codes=code_set.values(), name=name)
    assert shown == "".join(f"{m.label}={m.label};" for m in code_set)


def test_the_report_workbook_writes_the_enum_label():
    converters = {
        heading: convert for _, columns in xlsx.SHEETS.values() for _, heading, convert in columns
    }
    for member in Category:
        assert converters["类别"](member.value) == member.label
    for member in PriorityGroup:
        assert converters["人员类别"](member.value) == member.label
    _, columns = xlsx.SHEETS["time-to-fill"]
    status = next(convert for key, _, convert in columns if key == "status")
    for member in PostStatus:
        assert status(member.value) == member.label


def test_the_roster_import_reads_every_label_and_synonym():
    for member in ShiftPreference:
        for word in (member.label, *member.synonyms):
            assert roster_words.parse_shift(word) == member.value
    for member in EmploymentStatus:
        for word in (member.label, *member.synonyms):
            assert roster_words.parse_employment_status(word) == member.value
    every = [word for member in PriorityGroup for word in (member.label, *member.synonyms)]
    assert roster_words.parse_groups("、".join(every)) == list(PriorityGroup.values())
    assert roster_words.parse_groups("无") == []


def test_the_roster_export_writes_labels_the_import_reads_back(client):
    groups = PriorityGroup.values()
    residents = [
        make_resident(
            education=education,
            shift_preference=ShiftPreference.values()[n % len(ShiftPreference)],
            employment_status=EmploymentStatus.values()[n % len(EmploymentStatus)],
            groups=[groups[n % len(groups)]],
            female=n % 2 == 1,
        )
        for n, education in enumerate(Education.values())
    ]
    admin = auth_headers(make_quick_user("admin"))
    exported = client.get("/api/residents/export", headers=admin)
    workbook = load_workbook(io.BytesIO(exported.data), read_only=True)
    header, *rows = [tuple(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    column = {name: index for index, name in enumerate(header)}
    for row, resident in zip(rows, residents, strict=True):
        assert row[column["文化程度"]] == Education(resident.education).label
        assert row[column["班次意向"]] == ShiftPreference(resident.shift_preference).label
        assert row[column["就业状态"]] == EmploymentStatus(resident.employment_status).label
        assert row[column["人员类别"]] == PriorityGroup(resident.groups[0]).label
        assert row[column["性别"]] == Gender(resident.gender).label
    before = client.get("/api/residents", headers=admin).json
    response = client.post(
        "/api/residents/import",
        data={"file": (io.BytesIO(exported.data), "roster.xlsx")},
        headers=admin,
    )
    answer = response.json
    assert (answer["created"], answer["updated"], answer["rejected"]) == (0, len(residents), [])
    assert (answer["unchanged"], answer["warnings"]) == (len(residents), [])
    after = client.get("/api/residents", headers=admin).json
    assert after == before


def test_a_notice_names_the_status_and_reason_by_their_labels(app):
    from jobmatch.applications import notices
    from tests.factories import make_application

    resident = make_resident()
    make_quick_user("resident", resident_id=resident.id)
    application = make_application(resident=resident, status="rejected", reason="wage")
    (message,) = notices.on_move(application, "interview", Role.FIRM, correction=False)
    assert f"{ApplicationStatus.REJECTED.label}（{Reason.WAGE.label}）" in message.text


def test_products_are_words_not_codes_for_unknown_orders():
    assert Product.label_of("chinese_knot") == "中国结"
    assert Product.label_of("蒸笼") == "蒸笼"
