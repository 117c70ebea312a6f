"""Security headers, server-side sessions with their lifetimes, and the user loader (SPEC
section 8)."""
import secrets
from datetime import timedelta

from flask import Flask, abort, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry.extensions import db, login_manager
from registry.models.base import now_utc

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Static files never re-send the session cookie. A stylesheet requested while the next
    page loads would otherwise overwrite that page's fresh cookie (and its CSRF token) with
    the older one it carried."""

    def should_set_cookie(self, app, session) -> bool:
        # Nor does the API, which works with bearer tokens and no cookies at all.
        if request.endpoint == "static" or request.blueprint == "api":
            return False
        return super().should_set_cookie(app, session)


SESSION_KEY = "sid"
# A session's "last used" is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(identity: str):
        from registry.models import User, UserSession

        user_id, _sep, nonce = identity.partition(":")
        key = session.get(SESSION_KEY)
        if not user_id.isascii() or not user_id.isdigit() or not isinstance(key, str):
            return None
        row = db.session.execute(
            db.select(User, UserSession).join(UserSession, UserSession.user_id == User.id)
            .where(User.id == int(user_id), UserSession.key_digest == UserSession.digest(key))
        ).first()
        if row is None:
            return None
        user, user_session = row
        now = now_utc()
        # A password or role change renews the nonce; logging out ends the row; both end the
        # session whatever the cookie says.
        if user.session_nonce != nonce or not user.is_active or not user_session.is_open(now):
            return None
        g.user_session = user_session
        if now - user_session.last_seen_at >= TOUCH_EVERY:
            g.touch_session = user_session.id
        return user

    @app.before_request
    def end_expired_sessions():
        if request.endpoint == "static" or request.blueprint == "api":
            return None
        if session and not session.permanent:
            # The cookie expires after PERMANENT_SESSION_LIFETIME idle. An empty session stays
            # empty: a visitor who only reads gets no cookie (and a page any visitor may share).
            session.permanent = True
        if SESSION_KEY in session and not current_user.is_authenticated:
            # Logged out elsewhere, idle too long or past the 12-hour limit.
            session.clear()
            flash(_l("Your session has expired. Please log in again."), "info")
            if request.method == "GET":
                return redirect(url_for("auth.login", next=request.full_path))
        return None

    @app.after_request
    def touch_session(response):
        session_id = g.pop("touch_session", None)
        if session_id is not None and response.status_code < 500:
            from registry.models import UserSession

            db.session.execute(db.update(UserSession).where(UserSession.id == session_id)
                               .values(last_seen_at=now_utc()))
            db.session.commit()
        return response

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
    """Log in: a fresh cookie (no fixation of an earlier one) naming a new server-side session.
    The caller commits."""
    from flask_login import login_user

    from registry.models import UserSession

    end_session()
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        user=user, key_digest=UserSession.digest(key),
        user_agent=request.headers.get("User-Agent", "")[:300],
        address=(request.remote_addr or "")[:64],
    ))
    login_user(user)
    session[SESSION_KEY] = key
    session.permanent = True


def end_session() -> None:
    """Log out this browser: its server-side session ends, so a copy of the cookie is refused
    too. The caller commits."""
    from flask_login import logout_user

    from registry.models import UserSession

    key = session.get(SESSION_KEY)
    if isinstance(key, str):
        db.session.execute(
            db.update(UserSession)
            .where(UserSession.key_digest == UserSession.digest(key), UserSession.ended_at.is_(None))
            .values(ended_at=now_utc())
        )
    logout_user()
    session.clear()
