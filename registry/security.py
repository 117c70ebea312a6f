"""Security headers, session lifetimes and the session-based user loader (SPEC section 8)."""
import time

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from registry.extensions import db, login_manager

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
LOGIN_AT = "login_at"


class SessionInterface(SecureCookieSessionInterface):
    """Static files never re-send the session cookie. A stylesheet requested while the next
    page loads would otherwise overwrite that page's fresh cookie (and its CSRF token) with
    the older one it carried."""

    def should_set_cookie(self, app, session) -> bool:
        # Nor does the API, which works with bearer tokens and no cookies at all.
        if request.endpoint == "static" or request.blueprint == "api":
            return False
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(identity: str):
        from registry.models import User

        user_id, _sep, nonce = identity.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A password change or a role change renews the nonce and so ends older sessions.
        if user is None or user.session_nonce != nonce or not user.is_active:
            return None
        return user

    @app.before_request
    def enforce_absolute_session_lifetime():
        if request.endpoint == "static" or request.blueprint == "api":
            return None
        if not session.permanent:
            session.permanent = True  # inactivity expiry: PERMANENT_SESSION_LIFETIME
        if not current_user.is_authenticated:
            return None
        started = session.get(LOGIN_AT, 0)
        if time.time() - started > app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds():
            logout_user()
            session.clear()
            flash(_l("Your session has expired. Please log in again."), "info")
            if request.method == "GET" and not request.path.startswith("/api/"):
                return redirect(url_for("auth.login", next=request.full_path))
        return None

    @app.before_request
    def refuse_nul_characters():
        # No text a person types has a NUL; PostgreSQL refuses it in a string anyway.
        values = [request.path, *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values.extend(request.form.values())
        if any("\x00" in value for value in values):
            abort(400)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user.is_authenticated:
            # Pages with private data are not kept by shared caches or the back button cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def start_session(user) -> None:
    """Log in and stamp the session for the 12-hour absolute limit."""
    from flask_login import login_user

    session.clear()  # a fresh session: no fixation of an earlier one
    login_user(user)
    session[LOGIN_AT] = time.time()
    session.permanent = True
