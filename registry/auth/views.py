"""Views of the auth area: log in and out, sign up, password reset, the profile."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from registry.auth import bp
from registry.auth.forms import (ChangePasswordForm, ConfirmSignupForm, ForgotPasswordForm,
                                 LoginForm, ProfileForm, ResetPasswordForm, SignupForm,
                                 TokenForm)
from registry.extensions import db, limiter
from registry.forms import commune_choices
from registry.models import Commune
from registry.security import end_session, start_session
from registry.services import accounts, tokens
from registry.services.deferred import after_response
from registry.services.unit_of_work import commit
from registry.web import run_service, safe_next


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_email() -> str:
    """The rate-limit key of the account being tried, whatever address it comes from."""
    return "email:" + request.form.get("email", "").strip().lower()


def _failed(response) -> bool:
    # A successful login redirects; everything else counts against the limit.
    return response.status_code != 302


def _home_for(user) -> str:
    if user.role == "applicant":
        return url_for("applicant.index")
    if user.role in ("reviewer", "admin"):
        return url_for("review.queue")
    if user.role == "agency":
        return url_for("agency.index")
    if user.role == "expert":
        return url_for("council.index")
    return url_for("public.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_rate_limit, key_func=_submitted_email, methods=["POST"],
               deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    next_url = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            commit()
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(next_url or _home_for(user))
    # One message for every failure: it must not tell whether the address has an account.
    failed = request.method == "POST"
    return render_template("auth/login.html", form=form, next_url=next_url, failed=failed)


@bp.route("/logout", methods=["POST"])
def logout():
    end_session()
    commit()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


def _signup_rate_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_rate_limit, methods=["POST"])
@limiter.limit(_signup_rate_limit, key_func=_submitted_email, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = SignupForm()
    form.commune.choices = commune_choices(_("Choose a commune or ward"))
    if form.validate_on_submit():
        problems = accounts.password_problems(form.password.data, form.email.data)
        if problems:
            form.password.errors = problems
            return render_template("auth/signup.html", form=form), 422
        details = {
            "full_name": form.full_name.data.strip(),
            "phone": (form.phone.data or "").strip(),
            "organization": {
                "name": form.name.data.strip(),
                "org_type": form.org_type.data,
                "tax_code": (form.tax_code.data or "").strip() or None,
                "commune": form.commune.data,
                "address": form.address.data.strip(),
                "representative": form.representative.data.strip(),
                "phone": (form.org_phone.data or "").strip(),
                "email": (form.org_email.data or "").strip(),
            },
        }
        # The same answer for every address; the e-mail (a link, or "you already have an
        # account") is prepared after the response.
        after_response(accounts.request_signup, email=form.email.data,
                       password=form.password.data, details=details)
        return redirect(url_for("auth.signup_sent"))
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.get("/signup/sent")
def signup_sent():
    return render_template("auth/signup_sent.html")


@bp.route("/signup/confirm/<key>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], deduct_when=_failed)
def confirm_signup(key: str):
    signup = accounts.pending_signup(key)
    if signup is None:
        flash(_("This confirmation link is not valid or has expired. Sign up again, or log in "
                "if you have already confirmed."), "error")
        return redirect(url_for("auth.login"))
    form = ConfirmSignupForm()
    status = 200
    if form.validate_on_submit():
        outcome = run_service(form, lambda: start_session(
            accounts.confirm_signup(signup, form.password.data)))
        if outcome.status == 409:  # confirmed meanwhile, or the address has an account by now
            return redirect(url_for("auth.login"))
        if not outcome.refused:
            flash(_("Welcome! Your organisation is registered; you can now prepare applications."),
                  "success")
            return redirect(url_for("applicant.index"))
        status = outcome.status  # the wrong password: said beside the field
    elif form.errors:
        status = 422
    return render_template("auth/signup_confirm.html", signup=signup, form=form,
                           commune=db.session.scalar(db.select(Commune).filter_by(
                               code=signup.details["organization"].get("commune")))), status


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_login_rate_limit, key_func=_submitted_email, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Whether the address has an account is looked at after the response, so neither the
        # answer nor its timing tells.
        after_response(accounts.request_password_reset, email=form.email.data)
        flash(_("If an account uses this address, we have sent it a link to choose a new "
                "password. The link works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.user_from_reset_token(token)
    if user is None:
        flash(_("This password reset link is not valid or has expired. Ask for a new one."),
              "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        def reset():
            accounts.change_password(user, None, form.password.data)
            if current_user.is_authenticated:
                end_session()

        outcome = run_service(form, reset)
        if outcome.refused:
            return render_template("auth/reset_password.html", form=form, token=token), outcome.status
        flash(_("Your password has been changed. Log in with the new password."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, token=token), status


def _render_profile(profile_form, password_form, status: int = 200, token_form=None,
                    new_token: str | None = None):
    user = current_user._get_current_object()
    return render_template("auth/profile.html", user=user, profile_form=profile_form,
                           password_form=password_form, token_form=token_form or TokenForm(formdata=None),
                           tokens=tokens.tokens_of(user), new_token=new_token,
                           sessions=accounts.open_sessions(user),
                           this_session=g.get("user_session")), status


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    password_form = ChangePasswordForm(formdata=None)
    if form.validate_on_submit():
        accounts.update_profile(user, full_name=form.full_name.data, phone=form.phone.data)
        commit()
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("auth.profile"))
    return _render_profile(form, password_form, 422 if form.errors else 200)


def _account_being_changed() -> str:
    return f"user:{current_user.get_id()}"


@bp.route("/password", methods=["POST"])
@login_required
@limiter.limit(_login_rate_limit, deduct_when=_failed)
@limiter.limit(_login_rate_limit, key_func=_account_being_changed, deduct_when=_failed)
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        def change():
            accounts.change_password(user, form.current_password.data, form.password.data)
            # The change ended every session, this one included; keep this browser logged in.
            start_session(user)

        outcome = run_service(form, change)
        if outcome.refused:
            return _render_profile(ProfileForm(formdata=None, obj=user), form, outcome.status)
        flash(_("Your password has been changed. Other sessions have been logged out."),
              "success")
        return redirect(url_for("auth.profile"))
    return _render_profile(ProfileForm(formdata=None, obj=user), form, 422)


# API tokens

@bp.post("/tokens")
@login_required
def create_token():
    user = current_user._get_current_object()
    form = TokenForm()
    blank = (ProfileForm(formdata=None, obj=user), ChangePasswordForm(formdata=None))
    if not form.validate_on_submit():
        return _render_profile(*blank, 422, token_form=form)
    _token, secret = tokens.create_token(user, form.name.data)
    commit()
    # Shown once, in this response only: never in a flash message, which lives in the cookie.
    return _render_profile(*blank, 201, new_token=secret)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = tokens.revoke_token(current_user._get_current_object(), token_id)
    commit()
    flash(_("The token “%(name)s” was revoked.", name=token.name), "success")
    return redirect(url_for("auth.profile", _anchor="tokens"))


# Sessions

@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_user_session(session_id: int):
    ended = accounts.end_user_session(current_user._get_current_object(), session_id)
    this_browser = ended.id == g.user_session.id
    commit()
    if this_browser:
        session.clear()
        flash(_("You have logged out."), "info")
        return redirect(url_for("public.home"))
    flash(_("That session has been logged out."), "success")
    return redirect(url_for("auth.profile", _anchor="sessions"))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    count = accounts.end_other_sessions(current_user._get_current_object(), g.user_session)
    commit()
    flash(ngettext("%(num)s other session has been logged out.",
                   "%(num)s other sessions have been logged out.", count), "success")
    return redirect(url_for("auth.profile", _anchor="sessions"))
