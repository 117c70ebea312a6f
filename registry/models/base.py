"""Shared column helpers."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_utc() -> datetime:
    """Naive UTC timestamp: what every DateTime column stores (Flask-Babel reads naive as UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def province_today() -> date:
    """The calendar date in Hưng Yên: approvals and deadlines are dated in local time."""
    return datetime.now(PROVINCE_TZ).date()


# Stored timestamps are naive UTC; people read and pick days in Hưng Yên time. The conversions
# between the two, in one place.

def province_time(moment: datetime) -> datetime:
    """A stored (naive UTC) timestamp as Hưng Yên wall-clock time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PROVINCE_TZ)


def province_date(moment: datetime) -> date:
    """The Hưng Yên calendar date of a stored (naive UTC) timestamp."""
    return province_time(moment).date()


def start_of_day_utc(day: date) -> datetime:
    """Midnight at the start of `day` in Hưng Yên, as the naive UTC the columns store."""
    return datetime.combine(day, time.min, tzinfo=PROVINCE_TZ).astimezone(UTC).replace(tzinfo=None)


def end_of_day_utc(day: date) -> datetime:
    """The first instant after `day` in Hưng Yên, as the naive UTC the columns store."""
    return start_of_day_utc(day + timedelta(days=1))


def signed_in(user) -> bool:
    """Whether `user` is a logged-in person (not None, not Flask-Login's anonymous user): the
    first question of every `can_*` method."""
    return user is not None and bool(getattr(user, "is_authenticated", False))


def current_language() -> str:
    try:
        locale = get_locale()
    except RuntimeError:  # outside a request (CLI)
        locale = None
    return locale.language if locale is not None else "vi"


def in_reader_language(row, stem: str) -> str:
    """`row.<stem>_en` for an English reader where it is written, else `row.<stem>_vi`."""
    english = getattr(row, f"{stem}_en")
    return english if current_language() == "en" and english else getattr(row, f"{stem}_vi")


class BilingualTitle:
    """Rows with `title_vi`/`title_en` (and other `<stem>_vi`/`<stem>_en` texts) show the one of
    the reader's language."""

    def _pick(self, stem: str) -> str:
        return in_reader_language(self, stem)

    @property
    def title(self) -> str:
        return self._pick("title")


class BilingualName:
    """Rows with `name_vi`/`name_en` columns show the one of the reader's language."""

    name_vi: str
    name_en: str

    @property
    def name(self) -> str:
        if current_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi


class StoredFile:
    """The columns of an uploaded document (an application's or a report's): its name as the
    person gave it, the random name it is stored under, what it really is, its size and digest,
    and who uploaded it when."""

    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=now_utc)

    @declared_attr
    def uploaded_by_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("users.id"))

    @declared_attr
    def uploaded_by(cls):
        return relationship("User")
