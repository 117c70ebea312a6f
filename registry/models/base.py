"""Shared column helpers."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_locale

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_utc() -> datetime:
    """Naive UTC timestamp: what every DateTime column stores (Flask-Babel reads naive as UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def province_today() -> date:
    """The calendar date in Hưng Yên: approvals and deadlines are dated in local time."""
    return datetime.now(PROVINCE_TZ).date()


def current_language() -> str:
    try:
        locale = get_locale()
    except RuntimeError:  # outside a request (CLI)
        locale = None
    return locale.language if locale is not None else "vi"


class BilingualName:
    """Rows with `name_vi`/`name_en` columns show the one of the reader's language."""

    name_vi: str
    name_en: str

    @property
    def name(self) -> str:
        if current_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi
