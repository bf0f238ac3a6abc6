"""Staff find a resident by mobile number through its keyed hash: in any form it is typed,
whichever way the phone was written (the API, a roster import), paged and counted in full,
and without the number ever reaching the database."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from jobmatch.accounts.models import User
from jobmatch.crypto import cipher
from jobmatch.residents.search import search_residents
from tests.factories import (
    auth_headers,
    make_cohort,
    make_id_number,
    make_quick_user,
    make_resident,
)
from tests.test_import import FORMATS, WANG1, WANG4, roster_table, upload
from tests.web_helpers import post_form, signed_in

MOBILE = "13800138000"
TYPED = [
    MOBILE,
    "138 0013 8000",
    "138-0013-8000",
    "+86 13800138000",
    "+86-138-0013-8000",
    "86 138 0013 8000",
    "１３８ ００１３ ８０００",  # full-width, as a Chinese input method types it
]


def found(text: str, page: int = 1, page_size: int = 20) -> tuple[list[int], int]:
    """The ids of a page of residents a clerk finds with ``text``, and how many in all."""
    people, total = search_residents(User(role="staff"), text, None, page, page_size)
    return [person["id"] for person in people], total


@contextmanager
def statements():
    """Every SQL statement sent, with its parameters, while the block runs."""
    seen: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append(f"{statement} {parameters!r}")

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@pytest.mark.parametrize("typed", TYPED)
def test_a_resident_is_found_by_mobile_however_it_is_typed(app, typed):
    wanted = make_resident(name="周玉梅", phone=MOBILE)
    make_resident(name="周玉兰", phone="13800138001")
    assert found(typed) == ([wanted.id], 1)


def test_numbers_that_are_no_mobile_are_sought_in_names(app):
    make_resident(name="周玉梅", phone=MOBILE)
    for text in ("1380013800", "12800138000", "138001380001", "+1 13800138000"):
        assert found(text) == ([], 0), text


def test_a_family_phone_finds_every_member_paged_and_counted_in_full(app):
    family = [make_resident(name=name, phone=MOBILE).id for name in ("王大", "王二", "王三")]
    make_resident(name="王四", phone="13900139000")
    assert found(MOBILE, page=1, page_size=2) == (family[:2], 3)
    assert found("138 0013 8000", page=2, page_size=2) == (family[2:], 3)


def test_the_number_never_appears_in_a_statement_nor_its_parameters(app, client):
    wanted = make_resident(name="周玉梅", phone=MOBILE)
    signed_in(client, "staff")
    cohort = make_cohort()
    enrol = f"/staff/cohorts/{cohort.id}/enrol"
    for typed in TYPED:
        with statements() as seen:
            assert found(typed) == ([wanted.id], 1)
            page = client.get("/staff/refer", query_string={"q": typed}).get_data(as_text=True)
            assert "找到 1 位居民" in page
            page = post_form(client, enrol, {"search": "1", "q": typed}).get_data(as_text=True)
            assert "找到 1 位居民" in page
        # The listener sees the searches (their hash), and no form of the number.
        assert sum(cipher().phone_hash(MOBILE) in sent for sent in seen) >= 3
        assert not [sent for sent in seen if MOBILE in sent or typed in sent]


def test_residents_registered_and_changed_through_the_api_are_found_by_mobile(app, client):
    headers = auth_headers(make_quick_user("staff"))
    body = {
        "name": "李四",
        "id_number": make_id_number(date(1980, 3, 2)),
        "phone": "+86 138-0013-8000",
    }
    created = client.post("/api/residents", json=body, headers=headers)
    assert created.status_code == 201, created.json
    resident_id = created.json["id"]
    assert found("138 0013 8000") == ([resident_id], 1)

    changed = client.patch(
        f"/api/residents/{resident_id}", json={"phone": "139 0013 9000"}, headers=headers
    )
    assert changed.status_code == 200, changed.json
    assert found(MOBILE) == ([], 0)
    assert found("13900139000") == ([resident_id], 1)


def test_residents_from_a_roster_import_are_found_by_their_new_and_changed_mobiles(app, client):
    headers = auth_headers(make_quick_user("staff"))
    known = make_resident(id_number=WANG4, name="王四", phone="13700137000")
    rows = [
        [1, "王一", "", WANG1, "138 0013 8000", "", "", "", "", "", "", ""],
        [2, "王四", "", WANG4, "139-0000-0004", "", "", "", "", "", "", ""],
    ]
    answer = upload(client, headers, *FORMATS["csv-utf8"](roster_table(rows, title=None))).json
    assert (answer["created"], answer["updated"], answer["rejected"]) == (1, 1, [])
    new_ids, _ = found(MOBILE)
    assert found("13900000004") == ([known.id], 1)
    assert found("13700137000") == ([], 0)

    # The new resident's phone changed by a second import: found by the new number only.
    rows = [[1, "王一", "", WANG1, "+86 136 0013 6000", "", "", "", "", "", "", ""]]
    answer = upload(client, headers, *FORMATS["csv-utf8"](roster_table(rows, title=None))).json
    assert (answer["created"], answer["updated"]) == (0, 1)
    assert len(new_ids) == 1
    assert found("13600136000") == (new_ids, 1)
    assert found(MOBILE) == ([], 0)
