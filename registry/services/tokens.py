"""Personal API tokens: random, shown once, stored as SHA-256 digests, named and revocable."""
import secrets
from datetime import timedelta

from flask_babel import gettext as _

from registry.extensions import db
from registry.models import ApiToken, User
from registry.models.base import now_utc
from registry.services.errors import NotFound, ValidationFailed
from registry.services.unit_of_work import flush

TOKEN_PREFIX = "hyr_"
# Writing "last used" on every request would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=5)


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token itself (shown only now)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("Some fields are not valid."),
                               {"name": [_("Give the token a name of 1 to 100 characters.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_digest=ApiToken.digest(secret),
                     prefix=secret[:len(TOKEN_PREFIX) + 6])
    db.session.add(token)
    flush()
    return token, secret


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or not token.can_revoke(user):
        raise NotFound(_("The token was not found."))  # someone else's token: as if none
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        flush()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))


def bearer_secret(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, read as authentication reads it:
    the scheme in any case, spaces and tabs around the token ignored. None otherwise."""
    scheme, _sep, secret = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def active_token(secret: str | None) -> ApiToken | None:
    """The active token of an active user that `secret` is, or None for a wrong, revoked or
    disabled one."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(
        db.select(ApiToken).where(ApiToken.token_digest == ApiToken.digest(secret))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = now_utc()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.commit()
    return token
