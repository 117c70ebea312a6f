"""What the database keeps so that a page's cost depends on what it shows, not on how much is
stored: counts of applications kept by triggers in the transaction that changes them, the data
version that keys every cached figure, and the heavy downloads built once per version."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.base import now_utc

# The columns an application is counted by. A missing value is stored as '' or 0 so that the
# unique key (and the triggers' upsert) sees one row per combination on both databases.
TALLY_DIMENSIONS = ("status", "in_catalogue", "kind", "field", "commune_id", "district_id",
                    "former_province", "approval_year")


class ApplicationTally(db.Model):
    """How many applications share one combination of status, catalogue listing, kind, field,
    place and year of approval. Written only by the triggers on `applications` (migration 0016):
    a row is never read by counting the applications themselves."""

    __tablename__ = "application_tallies"
    __table_args__ = (sa.UniqueConstraint(*TALLY_DIMENSIONS, name="uq_application_tallies_dimensions"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    in_catalogue: Mapped[bool]
    kind: Mapped[str] = mapped_column(sa.String(20))
    field: Mapped[str] = mapped_column(sa.String(30))  # '' for none
    commune_id: Mapped[int]  # 0 for none
    district_id: Mapped[int]  # 0 for none
    former_province: Mapped[str] = mapped_column(sa.String(20))  # '' for none
    approval_year: Mapped[int]  # 0 until approved
    records: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class DataVersion(db.Model):
    """One row that changes with every committed change of the registry's data (the services'
    flushes, see `registry.services.data_version`): cached figures and built files are keyed on
    its `token`, which is random so that a database emptied and filled again never meets the
    figures of its former contents."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    number: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    token: Mapped[str] = mapped_column(sa.String(32))
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)


class GeneratedFile(db.Model):
    """A download built once for one data version (the full exports, the annual report files)
    and served as stored until the data changes: the same bytes, ETag and Last-Modified."""

    __tablename__ = "generated_files"
    __table_args__ = (sa.UniqueConstraint("name", "token", name="uq_generated_files_name_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    token: Mapped[str] = mapped_column(sa.String(32))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    data_changed_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
