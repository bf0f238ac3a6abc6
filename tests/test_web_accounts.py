"""The account pages: a clerk issues a login and sees the slip once, the holder activates at
/activate, staff reset and admins disable, and a user changes their own password."""

import re

from flask import g
from sqlalchemy import select

from jobmatch.accounts.models import User
from jobmatch.extensions import db
from tests.factories import make_firm, make_quick_user, make_resident
from tests.web_helpers import PASSWORD, csrf_token, post_form, sign_in, signed_in

CODE_ON_SLIP = re.compile(r'data-code="([A-Z0-9]{8})"')


def switch(client):
    """Use another browser: the test's app context (and g, where Flask-WTF keeps the form
    token it last made) outlives each request, so the other browser's token is made afresh."""
    g.pop("csrf_token", None)
    return client


def slip_code(page: str) -> str:
    match = CODE_ON_SLIP.search(page)
    assert match, "no code on the slip"
    return match.group(1)


def activate_page(client, last6: str, code: str, password: str = "my own password", again=None):
    return post_form(
        client,
        "/activate",
        {"id_last6": last6, "code": code, "password": password, "password2": again or password},
    )


def test_a_clerk_issues_a_login_and_the_resident_activates_it(client, app):
    resident = make_resident(name="王桂花")
    signed_in(client, "staff")
    refer = client.get(f"/staff/refer?resident_id={resident.id}").get_data(as_text=True)
    assert 'data-action="issue-login"' in refer
    token_page = f"/staff/refer?resident_id={resident.id}"
    slip = post_form(client, f"/staff/residents/{resident.id}/login", {}, token_from=token_page)
    assert slip.status_code == 200
    page = slip.get_data(as_text=True)
    assert "王桂花" in page and resident.id_number not in page
    assert resident.id_number[:6] in page  # masked: the area code and the last four show
    assert "http://localhost/activate" in page
    code = slip_code(page)

    phone = switch(app.test_client())
    mismatch = activate_page(phone, resident.id_number[-6:], code, again="something else")
    assert "两次输入的密码不一样" in mismatch.get_data(as_text=True), mismatch.get_data(
        as_text=True
    )[-900:]
    wrong = activate_page(phone, resident.id_number[-6:], "ABCD2345")
    assert wrong.status_code == 200 and "激活码不正确" in wrong.get_data(as_text=True)
    done = activate_page(phone, resident.id_number[-6:], code.lower())
    assert done.status_code == 302 and done.headers["Location"] == "/me"
    assert phone.get("/me").status_code == 200
    # The page now offers a reset instead of a second login.
    switch(client)
    assert 'data-action="reset"' in client.get(token_page).get_data(as_text=True)


def test_a_reset_from_the_accounts_page_signs_the_holder_out(client, app):
    firm = make_firm()
    holder = app.test_client()
    user = signed_in(holder, "firm", firm_id=firm.id)
    assert holder.get("/firm").status_code == 200
    signed_in(switch(client), "staff")
    listing = client.get(f"/staff/accounts?firm_id={firm.id}").get_data(as_text=True)
    assert f'data-user-id="{user.id}"' in listing
    slip = post_form(client, f"/staff/users/{user.id}/reset", {}, token_from="/staff/accounts")
    assert "统一社会信用代码后六位" in slip.get_data(as_text=True)
    assert holder.get("/firm").status_code == 302


def test_an_admin_creates_a_firm_user_and_disables_an_account(client, app):
    firm = make_firm()
    signed_in(client, "admin")
    slip = post_form(
        client,
        "/staff/accounts/firm-user",
        {"firm_id": str(firm.id), "username": "hr.wang"},
        token_from="/staff/accounts",
    )
    code = slip_code(slip.get_data(as_text=True))
    created = db.session.scalar(select(User).where(User.username == "hr.wang"))
    assert created.firm_id == firm.id
    assert activate_page(switch(app.test_client()), firm.credit_code[-6:], code).status_code == 302
    off = post_form(
        switch(client),
        f"/staff/users/{created.id}/active",
        {"is_active": "0"},
        token_from="/staff/accounts",
    )
    assert off.status_code == 302
    db.session.refresh(created)
    assert created.is_active is False


def test_staff_may_not_disable_accounts(client):
    other = signed_in(client.application.test_client(), "firm")
    signed_in(switch(client), "staff")
    response = post_form(
        client, f"/staff/users/{other.id}/active", {"is_active": "0"}, token_from="/staff/accounts"
    )
    assert response.status_code == 403


def test_a_user_changes_their_own_password_and_stays_signed_in(client, app):
    other_device = app.test_client()
    user = signed_in(other_device, "resident")
    sign_in(switch(client), user)
    assert 'href="/account/password"' in client.get("/me").get_data(as_text=True)
    wrong = post_form(
        client,
        "/account/password",
        {
            "old_password": "nope",
            "new_password": "a new password",
            "new_password2": "a new password",
        },
    )
    assert wrong.status_code == 200 and "原密码不正确" in wrong.get_data(as_text=True)
    changed = post_form(
        client,
        "/account/password",
        {
            "old_password": PASSWORD,
            "new_password": "a new password",
            "new_password2": "a new password",
        },
    )
    assert changed.status_code == 302
    assert client.get("/me").status_code == 200
    assert other_device.get("/me").status_code == 302


def test_the_login_page_leads_to_activation(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/activate"' in page
    assert "csrf_token" in client.get("/activate").get_data(as_text=True)
    assert csrf_token(client, "/activate")


def test_residents_registered_lately_get_their_slips_in_one_go(client):
    waiting = [make_resident(name=f"新登记{i}") for i in range(3)]
    has_one = make_resident(name="已有账号")
    make_quick_user("resident", resident_id=has_one.id)
    signed_in(client, "staff")
    page = client.get("/staff/logins").get_data(as_text=True)
    listed = {int(n) for n in re.findall(r'data-resident-id="(\d+)"', page)}
    assert {r.id for r in waiting} <= listed and has_one.id not in listed
    chosen = [str(r.id) for r in waiting[:2]]
    slips = post_form(client, "/staff/logins", {"resident_id": chosen})
    codes = CODE_ON_SLIP.findall(slips.get_data(as_text=True))
    assert len(codes) == 2 and len(set(codes)) == 2
    again = client.get("/staff/logins").get_data(as_text=True)
    assert f'data-resident-id="{waiting[2].id}"' in again
    assert f'data-resident-id="{waiting[0].id}"' not in again
