"""Indigenous genetic resources: population censuses and the DNA barcode database."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.accounts import User
from registry.models.base import now_utc
from registry.models.reference import GeneticResource

MARKERS = ("COI-5P", "rbcL", "matK", "ITS2", "trnH-psbA", "D-loop", "SSR", "SNP", "other")
# Marker panels are genotypes, not sequences: the sequence may be absent.
PANEL_MARKERS = frozenset({"SSR", "SNP"})
IUPAC = frozenset("ACGTURYSWKMBDHVN-")

MARKER_LABELS = {
    "COI-5P": "COI-5P", "rbcL": "rbcL", "matK": "matK", "ITS2": "ITS2", "trnH-psbA": "trnH-psbA",
    "D-loop": "D-loop", "SSR": _l("SSR (microsatellite panel)"), "SNP": _l("SNP panel"),
    "other": _l("Other marker"),
}


class Census(db.Model):
    """A dated count of a resource's population at a locality."""

    __tablename__ = "censuses"
    __table_args__ = (
        sa.CheckConstraint("breeding_females IS NULL OR breeding_females >= 0", name="females"),
        sa.CheckConstraint("breeding_males IS NULL OR breeding_males >= 0", name="males"),
        sa.CheckConstraint("individuals IS NULL OR individuals >= 0", name="individuals"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("genetic_resources.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"))
    counted_on: Mapped[date]
    locality: Mapped[str] = mapped_column(sa.String(300))
    # Animal breeds: breeding females and males. Plants: trees or accessions (individuals).
    breeding_females: Mapped[int | None]
    breeding_males: Mapped[int | None]
    individuals: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=now_utc)

    resource: Mapped[GeneticResource] = relationship()
    entered_by: Mapped[User] = relationship()

    @property
    def total(self) -> int | None:
        if self.individuals is not None:
            return self.individuals
        if self.breeding_females is None and self.breeding_males is None:
            return None
        return (self.breeding_females or 0) + (self.breeding_males or 0)


class BarcodeRecord(db.Model):
    """One DNA barcode or molecular-marker record of a resource (SPEC section 3)."""

    __tablename__ = "barcode_records"
    __table_args__ = (
        sa.CheckConstraint(f"marker IN {MARKERS}", name="marker"),
        sa.CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        sa.CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("genetic_resources.id"), index=True)
    sample_id: Mapped[str] = mapped_column(sa.String(100), unique=True)
    marker: Mapped[str] = mapped_column(sa.String(20), index=True)
    # Upper case, no whitespace; empty for SSR/SNP panels.
    sequence: Mapped[str] = mapped_column(sa.Text, default="")
    # SHA-256 of the sequence: finds the same sequence recorded twice without comparing texts.
    sequence_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    genbank_accession: Mapped[str] = mapped_column(sa.String(20), default="")
    collected_on: Mapped[date | None]
    locality: Mapped[str] = mapped_column(sa.String(300), default="")
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    lab: Mapped[str] = mapped_column(sa.String(300), default="")
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    resource: Mapped[GeneticResource] = relationship()
    entered_by: Mapped[User] = relationship()

    @property
    def length(self) -> int:
        return len(self.sequence.replace("-", ""))
