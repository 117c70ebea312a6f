"""Typed values of a JSON body for the API's routes: each field of the wrong type gets its own
message, reported together with what the service refuses (422)."""
import re
from datetime import date

from flask_babel import gettext as _

from registry import RowId
from registry.extensions import db
from registry.services.errors import ValidationFailed

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BodyFields:
    """Typed values of a JSON body, with a message per field of the wrong type."""

    def __init__(self, body: dict):
        self.body = body
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str) -> str:
        value = self.body.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(name, _("Must be text."))
            return ""
        return value

    def code(self, name: str) -> str | None:
        """A code the service checks against its table; None for anything but text."""
        value = self.body.get(name)
        return value if isinstance(value, str) else None

    def date(self, name: str) -> date | None:
        value = self.body.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(name, _("Must be a date (YYYY-MM-DD)."))
        return None

    def boolean(self, name: str, default: bool | None = None, required: bool = False) -> bool | None:
        value = self.body.get(name)
        if value is None and not required:
            return default
        if not isinstance(value, bool):
            self.fail(name, _("Must be true or false."))
            return default
        return value

    def row_ids(self, name: str) -> list[int]:
        value = self.body.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(is_whole(item) for item in value):
            self.fail(name, _("Must be a list of ids."))
            return []
        return [row_id(item) for item in value]

    def amount(self, name: str) -> int | None:
        """A sum in đồng: a whole JSON number (not a boolean); the services check its range."""
        value = self.body.get(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            value = int(value)
        if not is_whole(value):
            self.fail(name, _("Must be a whole number."))
            return None
        return value

    def codes(self, name: str) -> list[str]:
        value = self.body.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(name, _("Must be a list of codes."))
            return []
        return value

    def refuse_if_invalid(self) -> None:
        if self.errors:
            raise ValidationFailed(_("Some fields are not valid."), self.errors)

    def run(self, action):
        """Run `action` (one service call) on the values read, and report every problem at once:
        the fields of the wrong type beside those the service refuses. The service's own checks
        come first, so a stale version is still a 409 before any 422; and nothing it did stays
        when a field was of the wrong type."""
        try:
            result = action()
        except ValidationFailed as refused:
            if not self.errors:
                raise
            raise ValidationFailed(refused.message, {**refused.errors, **self.errors}) from None
        if self.errors:
            db.session.rollback()
            raise ValidationFailed(_("Some fields are not valid."), self.errors)
        return result


def is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def row_id(value: int) -> int:
    """An id as the database can compare it: one past what the id columns hold names no row,
    and neither does 0, which the services then refuse as unknown."""
    return value if 1 <= value <= RowId.MAX else 0
