"""Organisations and the people who sign in."""
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from registry.extensions import db
from registry.models.base import now_utc, signed_in
from registry.models.reference import Agency, Commune, District

ROLES = {
    "applicant": _l("Applicant"),
    "reviewer": _l("Reviewer"),
    "admin": _l("Administrator"),
    "agency": _l("Agency reporter"),
    # Outside experts sit on councils: they see only the applications they are assigned.
    "expert": _l("Council expert"),
}

ORGANIZATION_TYPES = {
    "enterprise": _l("Enterprise"),
    "cooperative": _l("Cooperative"),
    "research_institute": _l("Research institute"),
    "university": _l("University or college"),
    "public_unit": _l("Public service unit"),
    "individual": _l("Individual or household"),
    "other": _l("Other"),
}


class Organization(db.Model):
    """An applicant organisation (or an individual applying in their own name)."""

    __tablename__ = "organizations"
    __table_args__ = (
        sa.CheckConstraint(f"org_type IN {tuple(ORGANIZATION_TYPES)}", name="org_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    org_type: Mapped[str] = mapped_column(sa.String(30))
    tax_code: Mapped[str | None] = mapped_column(sa.String(14))
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)  # before 01/07/2025
    commune_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    # Contact details are private: never in public output.
    representative: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    district: Mapped[District | None] = relationship()
    commune: Mapped[Commune | None] = relationship()
    members: Mapped[list["User"]] = relationship(back_populates="organization")

    @property
    def type_label(self) -> str:
        return str(ORGANIZATION_TYPES.get(self.org_type, self.org_type))

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(f"role IN {tuple(ROLES)}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    # Agency reporters belong to the agency whose plan tasks they report on.
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Part of the session identity: changing it (password change, logout everywhere) ends
    # every session that was issued before.
    session_nonce: Mapped[str] = mapped_column(
        sa.String(32), default=lambda: secrets.token_hex(16)
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization | None] = relationship(back_populates="members")
    agency: Mapped[Agency | None] = relationship()

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Ends every session of this user: the nonce in their cookies no longer matches, and
        their rows in the session list are closed."""
        self.session_nonce = secrets.token_hex(16)
        if self.id is not None:
            db.session.execute(
                sa.update(UserSession)
                .where(UserSession.user_id == self.id, UserSession.ended_at.is_(None))
                .values(ended_at=now_utc())
            )

    @property
    def reporting_agency(self) -> "Agency | None":
        """The agency this reporter reports for today: their own, or the one it merged into (an
        account of a former department goes on reporting for its successor)."""
        return self.agency.current if self.agency is not None else None

    @property
    def is_applicant(self) -> bool:
        return self.role == "applicant"

    @property
    def is_staff(self) -> bool:
        """Department staff: reviewers and admins screen applications."""
        return self.role in ("reviewer", "admin")

    @property
    def is_expert(self) -> bool:
        return self.role == "expert"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        return str(ROLES.get(self.role, self.role))

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, so that a user can tell their tokens apart in the list.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def can_revoke(self, user) -> bool:
        """A token is revoked by the person it belongs to."""
        return signed_in(user) and user.id == self.user_id


class UserSession(db.Model):
    """One browser's login. The cookie carries a random key whose digest names this row, so
    logging out (here or from another browser) ends the session on the server: a cookie kept
    from before is refused."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    key_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(default=now_utc)
    ended_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")

    user: Mapped[User] = relationship()

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def is_open(self, now: datetime) -> bool:
        """Not logged out, used within the inactivity limit, younger than the absolute one."""
        config = current_app.config
        return (
            self.ended_at is None
            and now - self.last_seen_at <= config["PERMANENT_SESSION_LIFETIME"]
            and now - self.created_at <= config["SESSION_ABSOLUTE_LIFETIME"]
        )

    @property
    def browser(self) -> str:
        """"Chrome 131 · Windows", from the User-Agent it logged in with."""
        from ua_parser import parse

        found = parse(self.user_agent or "")
        parts = []
        if found.user_agent:
            parts.append(" ".join(p for p in (found.user_agent.family, found.user_agent.major) if p))
        if found.os and found.os.family != "Other":
            parts.append(found.os.family)
        return " · ".join(parts) or (self.user_agent[:60] if self.user_agent else "")

    def can_end(self, user) -> bool:
        """A session is logged out by the person it belongs to (from any of their browsers)."""
        return signed_in(user) and user.id == self.user_id


class SignupRequest(db.Model):
    """A sign-up waiting for its e-mail address to be confirmed. Nothing exists until the link
    in the e-mail is followed, so the sign-up form answers the same for every address."""

    __tablename__ = "signup_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    # The account's and the organisation's fields as the form gave them.
    details: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    confirmed_at: Mapped[datetime | None]
