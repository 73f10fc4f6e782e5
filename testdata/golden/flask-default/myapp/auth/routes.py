from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import throttle
from ..extensions import db
from ..mail import send
from ..models import User, authenticate
from . import reset
from .forms import (
    LoginForm,
    NewPasswordForm,
    RegistrationForm,
    ResetRequestForm,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, otherwise None.

    Anything that a browser could resolve to another host is refused: absolute
    URLs, scheme-relative ``//host`` and the ``/\\host`` spelling that browsers
    treat the same way, and control characters that browsers strip before
    parsing (``/\\t/host`` becomes ``//host``).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


SIGNED_UP = (
    "Thank you. We have sent a message to that address: if it is new here, "
    "your account is ready and you can log in."
)


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegistrationForm()
    # validate_on_submit() guarantees the required fields; the data checks
    # tell the type checker so.
    if form.validate_on_submit() and form.email.data and form.password.data:
        counters = throttle.keys(form.email.data, request.remote_addr, "register")
        if wait := throttle.retry_after(counters):
            return locked_out(wait)
        throttle.record_failure(counters)
        # An address that has an account gets the same answer as a new one,
        # so the form does not tell anyone who has an account here; its
        # owner hears about the attempt instead, and the account is left as
        # it is. The password is hashed either way, which keeps the times
        # alike too.
        user = User(email=form.email.data)
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            send(
                form.email.data,
                "Someone tried to sign up with your address",
                render_template("auth/email/already_registered.txt"),
            )
        else:
            send(
                user.email,
                "Welcome",
                render_template("auth/email/welcome.txt"),
            )
        flash(SIGNED_UP, "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit() and form.email.data and form.password.data:
        counters = throttle.keys(form.email.data, request.remote_addr)
        # Checked before the password, so a locked account stays locked
        # whatever is tried, the right password included.
        if wait := throttle.retry_after(counters):
            return locked_out(wait)
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.clear(counters[0])
            user.start_login()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash("You are now logged in.", "success")
            return redirect(next_url or url_for("main.dashboard"))
        throttle.record_failure(counters)
        if wait := throttle.retry_after(counters):
            return locked_out(wait)
        flash("Invalid email or password.", "danger")
    return render_template("auth/login.html", form=form, next_url=next_url)


def locked_out(wait: int) -> tuple[str, int, dict[str, str]]:
    page = render_template(
        "auth/locked_out.html",
        minutes=max(1, -(-wait // 60)),
        limit=current_app.config["LOGIN_FAILURE_LIMIT"],
    )
    return page, 429, {"Retry-After": str(wait)}


@bp.post("/logout")
@login_required
def logout() -> Response:
    # POST only, and CSRF-checked like every form, so a link or an image on
    # another site cannot log the user out.
    user = db.session.get(User, current_user.id)
    if user is not None:
        # Every session and remember-me cookie of this user ends, on every
        # device, copies included.
        user.end_sessions()
        db.session.commit()
    logout_user()
    # A page rather than a redirect with a flashed message: the message would
    # live in the very cookies that Clear-Site-Data removes.
    response = make_response(render_template("auth/logged_out.html"))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response


RESET_SENT = (
    "If an account uses that address, we have sent it a link to choose a new "
    "password. It is valid for {minutes} minutes."
)


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> str | Response | tuple[str, int, dict[str, str]]:
    form = ResetRequestForm()
    if form.validate_on_submit() and form.email.data:
        counters = throttle.keys(form.email.data, request.remote_addr, "reset")
        if wait := throttle.retry_after(counters):
            return locked_out(wait)
        # Every request counts, so nobody can mail an address without end.
        throttle.record_failure(counters)
        user = db.session.scalar(select(User).where(User.email == form.email.data))
        if user is not None:
            link = url_for(
                "auth.reset_password", token=reset.make_token(user), _external=True
            )
            send(
                user.email,
                "Choose a new password",
                render_template("auth/email/reset.txt", link=link, minutes=minutes()),
            )
        # The same answer whether or not the address has an account.
        flash(RESET_SENT.format(minutes=minutes()), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    user = reset.user_for(token)
    if user is None:
        flash("That link is invalid or has expired. Ask for a new one.", "danger")
        return redirect(url_for("auth.reset_request"))
    form = NewPasswordForm(user.email)
    if form.validate_on_submit() and form.password.data:
        # Also ends every session of the user (see User.set_password), and
        # makes this link and every older one useless.
        user.set_password(form.password.data)
        db.session.commit()
        logout_user()
        flash("Your password has been changed. Please log in.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


def minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_SECONDS"]) // 60
