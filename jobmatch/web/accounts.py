"""Account pages: activating with a code, the slip a clerk prints, managing accounts, and a
user's own password."""

from datetime import UTC, datetime, timedelta

from flask import flash, redirect, render_template, request, url_for

from jobmatch.accounts import activation, management
from jobmatch.accounts.auth import STAFF_ROLES
from jobmatch.accounts.enums import Role
from jobmatch.accounts.limits import activation_limits, mark_refused
from jobmatch.accounts.models import ROLES
from jobmatch.accounts.schemas import ActivateRequest, PasswordChange
from jobmatch.errors import DomainError, Unauthorized
from jobmatch.firms import service as firms
from jobmatch.residents import service as residents
from jobmatch.web.blueprint import blp
from jobmatch.web.forms import domain_errors, load
from jobmatch.web.session import home_for, page_for, safe_next, sign_in, web_user

USERS_SHOWN = 50
# How far back the list of residents awaiting a login reaches.
RECENT_DAYS = 7


def _matching_passwords(form, errors: dict, first: str, second: str) -> None:
    if form.get(first) and form.get(second) != form.get(first):
        errors.setdefault(second, []).append("两次输入的密码不一样。")


@blp.route("/activate", methods=["GET", "POST"])
@activation_limits
def activate():
    """Activate a login with the code on the slip, and choose a password."""
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        values = {key: form.get(key, "") for key in ("id_last6", "code", "password")}
        data, errors = load(ActivateRequest(), values)
        _matching_passwords(form, errors, "password", "password2")
        if data is not None and not errors:
            try:
                user = activation.activate(data["id_last6"], data["code"], data["password"])
            except Unauthorized as error:
                mark_refused()
                errors = {"form": error.message}
            except DomainError as error:
                errors = domain_errors(error)
            else:
                sign_in(user)
                flash(f"激活成功！以后用用户名 {user.username} 和新密码登录。", "success")
                return redirect(home_for(user))
    return render_template("activate.html", form=form, errors=errors)


def _slip(issued, holder_name: str, masked_id: str):
    """The page a clerk prints and hands over: the code is on it this once."""
    return render_template(
        "account_slip.html",
        issued=issued,
        holder_name=holder_name,
        masked_id=masked_id,
        activate_url=url_for("web.activate", _external=True),
    )


@blp.route("/staff/logins", methods=["GET", "POST"])
@page_for(*STAFF_ROLES)
def staff_logins(user):
    """Logins for the residents registered lately (by hand or by a roster) without one."""
    if request.method == "POST":
        chosen = [int(v) for v in request.form.getlist("resident_id") if v.isdigit()]
        issued = management.issue_resident_logins(user, chosen)
        return render_template(
            "account_slips.html",
            slips=[(item, *_holder(item.user)) for item in issued],
            activate_url=url_for("web.activate", _external=True),
        )
    since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
    return render_template(
        "staff_logins.html",
        residents=management.residents_awaiting_login(user, since),
        days=RECENT_DAYS,
    )


def _holder(user) -> tuple[str, str]:
    if user.resident_id is not None:
        resident = residents.present(residents.load_resident(user.resident_id), user)
        return resident["name"], resident["id_number"]
    firm = firms.get_firm(user.firm_id)
    return firm.name, f"统一社会信用代码后六位 {firm.credit_code[-6:]}"


@blp.post("/staff/residents/<int:resident_id>/login")
@page_for(*STAFF_ROLES)
def staff_issue_login(user, resident_id: int):
    """Open a resident's login and show the slip to print."""
    try:
        issued = management.issue_resident_login(user, resident_id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("web.staff_refer", resident_id=resident_id))
    return _slip(issued, *_holder(issued.user))


@blp.post("/staff/users/<int:user_id>/reset")
@page_for(*STAFF_ROLES)
def staff_reset_login(user, user_id: int):
    """A new code for a resident or firm user; their old password and sessions end now."""
    try:
        issued = management.reset_login(user, user_id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(safe_next(request.form.get("next")) or url_for("web.staff_accounts"))
    return _slip(issued, *_holder(issued.user))


@blp.get("/staff/accounts")
@page_for(*STAFF_ROLES)
def staff_accounts(user):
    """Accounts by role or firm: reset a login; an admin also disables and creates firm users."""
    filters = {}
    role = request.args.get("role", "")
    if role in ROLES:
        filters["role"] = role
    if request.args.get("firm_id", "").isdigit():
        filters["firm_id"] = int(request.args["firm_id"])
    found, total = management.list_users(user, filters, page=1, page_size=USERS_SHOWN)
    return render_template(
        "staff_accounts.html",
        users=found,
        total=total,
        role=role,
        firm_options=[(firm.id, firm.name) for firm in firms.list_firms(1, 1000)[0]],
        firm_id=filters.get("firm_id"),
    )


@blp.post("/staff/accounts/firm-user")
@page_for(Role.ADMIN)
def staff_create_firm_user(user):
    """An admin opens a login for a firm; the slip carries its code."""
    firm_id = request.form.get("firm_id", "")
    try:
        issued = management.create_firm_user(
            user, int(firm_id) if firm_id.isdigit() else 0, request.form.get("username", "").strip()
        )
    except DomainError as error:
        flash("；".join([error.message, *[m for ms in error.errors.values() for m in ms]]), "error")
        return redirect(url_for("web.staff_accounts"))
    return _slip(issued, *_holder(issued.user))


@blp.post("/staff/users/<int:user_id>/active")
@page_for(Role.ADMIN)
def staff_set_active(user, user_id: int):
    """Disable an account (its sessions end at once) or enable it."""
    wanted = request.form.get("is_active") == "1"
    try:
        changed = management.set_active(user, user_id, wanted)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"账号 {changed.username} 已{'启用' if wanted else '停用'}。", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("web.staff_accounts"))


@blp.route("/account/password", methods=["GET", "POST"])
@page_for(*ROLES)
def account_password(user):
    """Change one's own password (the old one needed); other sessions end, this one stays."""
    errors: dict = {}
    form = request.form
    if request.method == "POST":
        values = {key: form.get(key, "") for key in ("old_password", "new_password")}
        data, errors = load(PasswordChange(), values)
        _matching_passwords(form, errors, "new_password", "new_password2")
        if data is not None and not errors:
            try:
                management.change_password(user, data["old_password"], data["new_password"])
            except DomainError as error:
                errors = domain_errors(error)
            else:
                sign_in(user)  # this browser stays signed in with a new session
                flash("密码已修改；其他设备上的登录已退出。", "success")
                return redirect(home_for(user))
    return render_template("account_password.html", errors=errors, home=home_for(web_user()))
