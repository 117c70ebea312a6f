"""Sign-up, passwords, password resets and a user's sessions."""
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from registry.extensions import db
from registry.models import Agency, Commune, District, Organization, SignupRequest, User, UserSession
from registry.models.accounts import ROLES
from registry.models.base import now_utc
from registry.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from registry.services.mail import queue_email, site_url
from registry.services.unit_of_work import flush

PASSWORD_MIN, PASSWORD_MAX = 8, 128
RESET_MAX_AGE = 3600  # seconds
SIGNUP_MAX_AGE = timedelta(hours=24)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords of public breach corpora.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, email: str = "") -> list[str]:
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append(_("The password needs at least %(n)s characters.", n=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        problems.append(_("The password can have at most %(n)s characters.", n=PASSWORD_MAX))
    lowered = password.lower()
    if lowered in _common_passwords():
        problems.append(_("This password is too common; choose another."))
    elif email and lowered in {email.lower(), email.split("@")[0].lower()}:
        problems.append(_("The password cannot be your e-mail address."))
    return problems


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=normalize_email(email)))


def _agency_problem(role: str, agency: Agency | None) -> str | None:
    if role == "agency" and (agency is None or agency.code == "ALL"):
        return _("An agency reporter belongs to one agency.")
    return None


def create_user(email: str, password: str, role: str, full_name: str = "",
                organization: Organization | None = None, phone: str = "",
                agency: Agency | None = None) -> User:
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    if role not in ROLES:
        errors["role"] = [_("Unknown role.")]
    if "@" not in email:
        errors["email"] = [_("Enter a valid e-mail address.")]
    elif find_user_by_email(email) is not None:
        errors["email"] = [_("An account with this e-mail address already exists.")]
    problems = password_problems(password, email)
    if problems:
        errors["password"] = problems
    if role == "applicant" and organization is None:
        errors["organization"] = [_("An applicant belongs to an organisation.")]
    if problem := _agency_problem(role, agency):
        errors["agency"] = [problem]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    user = User(email=email, role=role, full_name=full_name.strip(), phone=phone.strip(),
                organization=organization, agency=agency if role == "agency" else None)
    user.set_password(password)
    db.session.add(user)
    flush()
    return user


def request_signup(*, email: str, password: str, details: dict) -> None:
    """Run after the sign-up form's response (services/deferred.py), so that its answer and its
    timing say nothing about the address: a new address is sent a link that creates the
    account; an address that has one is told so, with links to log in and to reset."""
    email = normalize_email(email)
    if find_user_by_email(email) is not None:
        with force_locale("vi"):
            subject = _("You already have an account")
        queue_email(email, subject, "email/signup_existing.txt", email=email,
                    login_link=site_url("auth.login"), reset_link=site_url("auth.forgot_password"))
        return
    key = secrets.token_urlsafe(32)
    db.session.add(SignupRequest(
        key_digest=UserSession.digest(key), email=email, details=details,
        password_hash=generate_password_hash(password,
                                             method=current_app.config["PASSWORD_HASH_METHOD"]),
    ))
    with force_locale("vi"):
        subject = _("Confirm your e-mail address")
    queue_email(email, subject, "email/signup_confirm.txt", name=details.get("full_name", ""),
                organization=details.get("organization", {}).get("name", ""),
                link=site_url("auth.confirm_signup", key=key),
                hours=int(SIGNUP_MAX_AGE.total_seconds() // 3600))
    flush()


def pending_signup(key: str) -> SignupRequest | None:
    """The sign-up a confirmation link names, while it can still be confirmed."""
    signup = db.session.scalar(
        db.select(SignupRequest).filter_by(key_digest=UserSession.digest(key)))
    if signup is None or signup.confirmed_at is not None:
        return None
    if now_utc() - signup.created_at > SIGNUP_MAX_AGE:
        return None
    return signup


def confirm_signup(signup: SignupRequest, password: str) -> User:
    """The address is confirmed by its owner, who also knows the password chosen at sign-up:
    the organisation and its first applicant account exist now."""
    if not check_password_hash(signup.password_hash or "!", password or ""):
        raise ValidationFailed(_("Some fields are not valid."), {"password": [
            _("This is not the password chosen when signing up. If you did not sign up, ignore "
              "this link.")]})
    if signup.confirmed_at is not None:
        raise Conflict(_("This sign-up has already been confirmed. Log in."))
    if find_user_by_email(signup.email) is not None:
        raise Conflict(_("An account with this e-mail address already exists. Log in, or reset "
                         "its password."))
    details = dict(signup.details)
    organization_fields = dict(details.pop("organization"))
    # A sign-up begun before 01/07/2025 named a district; since then, a commune or ward.
    district_code, commune_code = organization_fields.pop("district", None), organization_fields.pop("commune", None)
    organization_fields["district"] = db.session.scalar(db.select(District).filter_by(code=district_code))
    organization_fields["commune"] = db.session.scalar(db.select(Commune).filter_by(code=commune_code))
    organization = Organization(**organization_fields)
    user = User(email=signup.email, role="applicant", organization=organization,
                full_name=details.get("full_name", ""), phone=details.get("phone", ""),
                password_hash=signup.password_hash)
    db.session.add_all([organization, user])
    signup.confirmed_at = now_utc()
    signup.password_hash = ""  # kept once, on the account
    flush()
    return user


def request_password_reset(email: str) -> None:
    """Run after the forgot-password form's response (services/deferred.py): only a known,
    active address is sent a link, and nothing in the answer tells which it was."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    with force_locale("vi"):
        subject = _("Reset your password")
    queue_email(user.email, subject, "email/password_reset.txt", user=user,
                link=site_url("auth.reset_password", token=password_reset_token(user)),
                hours=RESET_MAX_AGE // 3600)


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        # Spend the same time as a real check, so response times do not reveal accounts.
        generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = now_utc()
    return user


def change_password(user: User, current_password: str | None, new_password: str) -> None:
    """Changes the password and ends every session issued before (the nonce changes)."""
    if current_password is not None and not user.check_password(current_password):
        raise ValidationFailed(_("Some fields are not valid."),
                               {"current_password": [_("The current password is not correct.")]})
    problems = password_problems(new_password, user.email)
    if problems:
        raise ValidationFailed(_("Some fields are not valid."), {"password": problems})
    user.set_password(new_password)
    user.end_sessions()
    flush()


def update_account(user: User, actor: User, *, full_name: str, role: str, active: bool,
                   agency: Agency | None = None) -> None:
    """An administrator edits an account. A new role, agency or a deactivation ends its
    sessions."""
    if role not in ROLES:
        raise ValidationFailed(_("Some fields are not valid."), {"role": [_("Unknown role.")]})
    if problem := _agency_problem(role, agency):
        raise ValidationFailed(_("Some fields are not valid."), {"agency": [problem]})
    agency = agency if role == "agency" else None
    if role == "applicant" and user.organization_id is None:
        raise ValidationFailed(_("Some fields are not valid."),
                               {"role": [_("An applicant belongs to an organisation.")]})
    if user.id == actor.id and role != "admin":
        raise Conflict(_("You cannot remove your own administrator role."))
    if user.id == actor.id and not active:
        raise Conflict(_("You cannot deactivate your own account."))
    if role != user.role or agency != user.agency or (user.is_active_account and not active):
        user.end_sessions()
    user.role = role
    user.agency = agency
    user.is_active_account = active
    user.full_name = (full_name or "").strip()
    flush()


def update_profile(user: User, *, full_name: str, phone: str) -> None:
    """A user edits their own name and phone."""
    user.full_name = (full_name or "").strip()
    user.phone = (phone or "").strip()
    flush()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def password_reset_token(user: User) -> str:
    # The current hash is part of the token, so a token stops working once it has been used.
    return _reset_serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})


def user_from_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-16:] != data.get("h") or not user.is_active:
        return None
    return user


# Sessions ----------------------------------------------------------------------------------

def open_sessions(user: User) -> list[UserSession]:
    """The user's sessions that still work, most recently used first."""
    now = now_utc()
    return list(db.session.scalars(
        db.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
               UserSession.created_at >= now - current_app.config["SESSION_ABSOLUTE_LIFETIME"],
               UserSession.last_seen_at >= now - current_app.config["PERMANENT_SESSION_LIFETIME"])
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ))


def end_user_session(actor: User, session_id: int) -> UserSession:
    """Log out one of the actor's sessions (another browser, or this one)."""
    user_session = db.session.get(UserSession, session_id)
    if user_session is None:
        raise NotFound(_("This session was not found."))
    if not user_session.can_end(actor):
        raise PermissionDenied(_("You may end only your own sessions."))
    if user_session.ended_at is None:
        user_session.ended_at = now_utc()
    flush()
    return user_session


def end_other_sessions(actor: User, keep: UserSession) -> int:
    """Log out everywhere but in `keep` (this browser). Returns how many were ended."""
    ended = db.session.execute(
        db.update(UserSession)
        .where(UserSession.user_id == actor.id, UserSession.id != keep.id,
               UserSession.ended_at.is_(None))
        .values(ended_at=now_utc())
    ).rowcount
    flush()
    return ended
