"""Signing in and out of the pages."""

from flask import redirect, render_template, request, url_for

from jobmatch.accounts.throttle import authenticate_throttled
from jobmatch.errors import Unauthorized
from jobmatch.web.blueprint import blp
from jobmatch.web.session import home_for, safe_next, sign_in, sign_out, web_user


@blp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a good password leads to the page of the account's role."""
    user = web_user()
    if request.method == "GET" and user is not None:
        return redirect(home_for(user))
    username = request.form.get("username", "").strip()
    errors: dict[str, str] = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if not username:
            errors["username"] = "请填写用户名。"
        if not password:
            errors["password"] = "请填写密码。"
        if not errors:
            try:
                # Throttled like the API's sign-in: too many failures are a 429 page.
                user = authenticate_throttled(username, password)
            except Unauthorized as error:
                # One message for a wrong password and an unknown name: it tells nothing away.
                errors["form"] = error.message
            else:
                sign_in(user)
                return redirect(safe_next(request.args.get("next")) or home_for(user))
    # A form shown again with its errors is a page that loaded well: 200, like any other.
    return render_template("login.html", username=username, errors=errors)


@blp.post("/logout")
def logout():
    """Sign out (a POST with the form's token, so that no other site can sign anyone out)."""
    sign_out()
    return redirect(url_for("web.index"))
