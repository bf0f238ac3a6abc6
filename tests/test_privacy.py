"""Privacy: masking per role, the audit log of full reads, a resident's own export, the roster."""

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from jobmatch.audit.models import AuditEntry
from jobmatch.crypto import FieldCipher
from jobmatch.extensions import db
from jobmatch.validators import mask_id_number, mask_mobile
from tests.factories import (
    auth_headers,
    make_application,
    make_cohort,
    make_community,
    make_delivery,
    make_enrollment,
    make_order,
    make_quick_user,
    make_resident,
    make_skill,
)

ERROR_KEYS = {"code", "status", "message", "errors"}


def audit_count(**where) -> int:
    query = select(func.count(AuditEntry.id)).filter_by(**where)
    return db.session.scalar(query)


@pytest.fixture
def target(app):
    make_skill("sewing", "缝纫")
    return make_resident(name="赵六", skills=["sewing"], groups=["poverty_alleviated"])


@pytest.mark.parametrize(
    ("role", "own", "code", "id_full", "phone_full", "sees_groups"),
    [
        (None, False, 401, None, None, None),
        ("firm", False, 403, None, None, None),
        ("resident", False, 403, None, None, None),
        ("resident", True, 200, False, False, True),
        ("staff", False, 200, True, True, True),
        ("admin", False, 200, True, True, True),
    ],
)
def test_single_read_masks_per_role_and_audits_full_reads(
    client, target, role, own, code, id_full, phone_full, sees_groups
):
    headers = {}
    user = None
    if role:
        user = make_quick_user(role, **({"resident_id": target.id} if own else {}))
        headers = auth_headers(user)
    response = client.get(f"/api/residents/{target.id}", headers=headers)
    assert response.status_code == code
    if code != 200:
        assert set(response.json) == ERROR_KEYS
        assert target.id_number[-4:] not in response.get_data(as_text=True)
        assert audit_count() == 0
        return
    out = response.json
    assert out["id_number"] == (target.id_number if id_full else mask_id_number(target.id_number))
    assert out["phone"] == (target.phone if phone_full else mask_mobile(target.phone))
    assert ("groups" in out) is sees_groups
    assert out["groups"] == ["poverty_alleviated"]
    assert audit_count(resident_id=target.id, action="resident.read_full") == int(id_full)
    if id_full:
        entry = db.session.scalars(select(AuditEntry)).one()
        assert (entry.user_id, entry.username, entry.role) == (user.id, user.username, role)
        assert (entry.method, entry.path) == ("GET", f"/api/residents/{target.id}")
        assert entry.remote_addr == "127.0.0.1"
        assert response.headers["X-Request-ID"] == entry.request_id


def test_masked_id_number_shape(client, target):
    user = make_quick_user("resident", resident_id=target.id)
    out = client.get(f"/api/residents/{target.id}", headers=auth_headers(user)).json
    assert out["id_number"] == f"{target.id_number[:6]}********{target.id_number[-4:]}"
    assert out["phone"] == f"{target.phone[:3]}****{target.phone[-4:]}"


def test_list_and_writes_never_show_the_full_id_number_and_are_not_audited(client, target):
    headers = auth_headers(make_quick_user("staff"))
    listed = client.get("/api/residents", headers=headers).json[0]
    patched = client.patch(
        f"/api/residents/{target.id}", json={"desired_wage": 2800}, headers=headers
    ).json
    for out in (listed, patched):
        assert out["id_number"] == mask_id_number(target.id_number)
        assert out["phone"] == target.phone
    assert audit_count() == 0


def test_a_list_decrypts_only_the_rows_of_its_page(client, monkeypatch):
    for _ in range(30):
        make_resident()
    headers = auth_headers(make_quick_user("staff"))
    db.session.expunge_all()
    decrypted: list[bytes] = []
    real_decrypt = FieldCipher.decrypt

    def counting_decrypt(self, token):
        decrypted.append(token)
        return real_decrypt(self, token)

    monkeypatch.setattr(FieldCipher, "decrypt", counting_decrypt)
    response = client.get("/api/residents?page=2&page_size=5", headers=headers)
    assert response.status_code == 200
    assert len(response.json) == 5
    assert len(decrypted) == 10  # an ID number and a phone for each of the five


def test_a_request_id_given_by_the_caller_is_kept(client, target):
    headers = auth_headers(make_quick_user("staff")) | {"X-Request-ID": "trace-42"}
    response = client.get(f"/api/residents/{target.id}", headers=headers)
    assert response.headers["X-Request-ID"] == "trace-42"
    assert db.session.scalars(select(AuditEntry.request_id)).one() == "trace-42"


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("firm", 403), ("resident", 403), ("staff", 403), ("admin", 200)],
)
def test_only_admins_list_the_audit_log(client, target, role, expected):
    client.get(f"/api/residents/{target.id}", headers=auth_headers(make_quick_user("staff")))
    headers = auth_headers(make_quick_user(role)) if role else {}
    response = client.get("/api/audit", headers=headers)
    assert response.status_code == expected
    if expected == 200:
        assert [entry["resident_id"] for entry in response.json] == [target.id]
        assert response.json[0]["action"] == "resident.read_full"
        assert target.id_number not in response.get_data(as_text=True)
    else:
        assert set(response.json) == ERROR_KEYS


def test_the_audit_log_filters_by_resident_and_pages_newest_first(client, target):
    other = make_resident()
    staff = auth_headers(make_quick_user("staff"))
    for resident in (target, other, target):
        client.get(f"/api/residents/{resident.id}", headers=staff)
    admin = auth_headers(make_quick_user("admin"))
    about_target = client.get(f"/api/audit?resident_id={target.id}", headers=admin)
    assert len(about_target.json) == 2
    assert json.loads(about_target.headers["X-Pagination"])["total"] == 2
    newest = client.get("/api/audit?page_size=1", headers=admin).json
    assert newest[0]["resident_id"] == target.id
    assert newest[0]["id"] == max(entry.id for entry in db.session.scalars(select(AuditEntry)))
    for query in ("resident_id=abc", "action=resident.delete", "page_size=0", "user_id=-1"):
        refused = client.get(f"/api/audit?{query}", headers=admin)
        assert refused.status_code == 422, query
        assert set(refused.json) == ERROR_KEYS


def test_a_resident_exports_everything_held_about_it(client, target):
    user = make_quick_user("resident", resident_id=target.id)
    enrollment = make_enrollment(make_cohort(), resident=target)
    order = make_order()
    make_delivery(order, resident=target, quantity=12, accepted=10)
    application = make_application(resident=target, status="interview")
    staff = make_quick_user("staff")
    client.get(f"/api/residents/{target.id}", headers=auth_headers(staff))

    response = client.get(f"/api/residents/{target.id}/export", headers=auth_headers(user))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = response.json
    assert document["resident"]["id_number"] == target.id_number
    assert document["resident"]["phone"] == target.phone
    assert document["skills"] == [{"code": "sewing", "name": "缝纫", "source": "declared"}]
    assert document["groups"] == ["poverty_alleviated"]
    assert [account["username"] for account in document["accounts"]] == [user.username]
    assert [item["id"] for item in document["enrollments"]] == [enrollment.id]
    assert [(item["quantity"], item["accepted"]) for item in document["deliveries"]] == [(12, 10)]
    (exported_application,) = document["applications"]
    assert exported_application["id"] == application.id
    assert [event["to_status"] for event in exported_application["history"]] == [
        "applied",
        "interview",
    ]
    assert [(entry["action"], entry["username"]) for entry in document["audit"]] == [
        ("resident.read_full", staff.username),
        ("resident.export", user.username),
    ]


@pytest.mark.parametrize(
    ("role", "own", "expected"),
    [
        (None, False, 401),
        ("firm", False, 403),
        ("resident", False, 403),
        ("resident", True, 200),
        ("staff", False, 200),
        ("admin", False, 200),
    ],
)
def test_who_may_export_a_residents_data(client, target, role, own, expected):
    headers = {}
    if role:
        headers = auth_headers(make_quick_user(role, **({"resident_id": target.id} if own else {})))
    response = client.get(f"/api/residents/{target.id}/export", headers=headers)
    assert response.status_code == expected
    assert audit_count(action="resident.export") == (1 if expected == 200 else 0)
    if expected != 200:
        assert set(response.json) == ERROR_KEYS
        assert target.phone not in response.get_data(as_text=True)


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_roster_export_is_masked_unless_admin(client, role):
    community = make_community(name="城关社区")
    residents = [
        make_resident(name='=HYPERLINK("http://x")', community_id=community.id),
        make_resident(name="孙七", groups=["veteran", "disabled"], desired_wage=3500),
    ]
    user = make_quick_user(role)
    rows = _sheet(client.get("/api/residents/export?format=xlsx", headers=auth_headers(user)))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("序号", "姓名", "身份证号码")
    column = {name: index for index, name in enumerate(header)}
    assert [row[column["姓名"]] for row in body] == [r.name for r in residents]
    full = role == "admin"
    for row, resident in zip(body, residents, strict=True):
        assert row[column["身份证号码"]] == (
            resident.id_number if full else mask_id_number(resident.id_number)
        )
        assert row[column["联系电话"]] == (resident.phone if full else mask_mobile(resident.phone))
    assert body[1][column["人员类别"]] == "残疾人、退役军人"
    assert body[0][column["社区"]] == "城关社区"
    assert audit_count(action="resident.export_roster") == (2 if full else 0)


def test_an_admins_export_imports_back_unchanged(client):
    make_skill("sewing", "缝纫")
    make_community(name="城关社区")
    make_resident(skills=["sewing"], groups=["relocated"], education="secondary_vocational")
    make_resident(shift_preference="night", max_commute_km=7.5, employment_status="employed")
    admin = auth_headers(make_quick_user("admin"))
    exported = client.get("/api/residents/export", headers=admin)
    assert exported.status_code == 200
    before = client.get("/api/residents", headers=admin).json
    response = client.post(
        "/api/residents/import",
        data={"file": (io.BytesIO(exported.data), "roster.xlsx")},
        headers=admin,
    )
    answer = response.json
    assert (answer["created"], answer["updated"], answer["rejected"]) == (0, 2, [])
    assert (answer["unchanged"], answer["warnings"]) == (2, []), answer
    after = client.get("/api/residents", headers=admin).json
    assert after == before  # not even updated_at: a resident already as filed is not written


@pytest.mark.parametrize(
    ("role", "query", "expected"),
    [
        (None, "", 401),
        ("firm", "", 403),
        ("resident", "", 403),
        ("staff", "format=csv", 422),
        ("staff", "community_id=abc", 422),
    ],
)
def test_roster_export_refusals(client, role, query, expected):
    headers = auth_headers(make_quick_user(role)) if role else {}
    response = client.get(f"/api/residents/export?{query}", headers=headers)
    assert response.status_code == expected
    assert set(response.json) == ERROR_KEYS


def test_loading_residents_decrypts_nothing_until_the_numbers_are_read(app, monkeypatch):
    make_resident(birth=date(1970, 1, 1))
    db.session.expunge_all()
    calls: list[bytes] = []
    real_decrypt = FieldCipher.decrypt
    monkeypatch.setattr(
        FieldCipher, "decrypt", lambda self, token: calls.append(token) or real_decrypt(self, token)
    )
    from jobmatch.residents.models import Resident

    resident = db.session.scalars(select(Resident)).one()
    assert resident.birth_date == date(1970, 1, 1)
    assert calls == []
    assert len(resident.phone) == 11
    assert len(calls) == 2  # the ID number and phone are loaded together, when first asked for
