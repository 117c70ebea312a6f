"""Genetic resources: censuses with the FAO risk category, and DNA barcode records with
validation, duplicate warnings, FASTA export and FASTA import with a per-record report."""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _

from registry.extensions import db
from registry.models import BarcodeRecord, Census, GeneticResource, User
from registry.models.genetics import IUPAC, MARKERS, PANEL_MARKERS
from registry.models.reference import RISK_STATUSES
from registry.models.base import province_today
from registry.services.errors import PermissionDenied, ValidationFailed
from registry.services.unit_of_work import flush

ACCESSION = re.compile(r"^[A-Z]{1,2}\d{5,6}(\.\d+)?$")
SAMPLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_COUNT = 2**31 - 1
MIN_SEQUENCE, MAX_SEQUENCE = 50, 100_000


def normalize_sequence(text: str | None) -> str:
    """Upper case, whitespace removed: 'acg t\\nNN' -> 'ACGTNN'."""
    return re.sub(r"\s+", "", text or "").upper()


def sequence_digest(sequence: str) -> str | None:
    # Any text has a digest; one with letters that are no nucleotide codes matches no record
    # and is refused by validation.
    return hashlib.sha256(sequence.encode("utf-8", "surrogatepass")).hexdigest() if sequence else None


# FAO categories for animal breeds, from the latest census (before "maintained" programmes).
def fao_category(census: Census | None) -> str | None:
    if census is None or (census.breeding_females is None and census.breeding_males is None):
        return None
    females, males = census.breeding_females, census.breeding_males
    if (females is not None and females < 100) or (males is not None and males <= 5):
        return "critical"
    if (females is not None and females <= 1000) or (males is not None and males <= 20):
        return "endangered"
    return "not_at_risk"


def latest_census(resource: GeneticResource) -> Census | None:
    return db.session.scalar(
        db.select(Census).where(Census.resource_id == resource.id)
        .order_by(Census.counted_on.desc(), Census.id.desc()).limit(1))


def proposed_risk(resource: GeneticResource) -> str | None:
    """The category the latest census suggests, for animal breeds; admins confirm it."""
    return fao_category(latest_census(resource)) if resource.kind == "animal" else None


def add_census(resource: GeneticResource, actor: User, *, counted_on: date, locality: str,
               breeding_females: int | None = None, breeding_males: int | None = None,
               individuals: int | None = None, note: str = "", application=None) -> Census:
    if not resource.can_record_census(actor, application):
        raise PermissionDenied(_("You may not record a census for this resource."))
    errors: dict[str, list[str]] = {}
    if counted_on > province_today():
        errors["counted_on"] = [_("This date is in the future.")]
    if not (locality or "").strip():
        errors["locality"] = [_("This field is required.")]
    counts = {"breeding_females": breeding_females, "breeding_males": breeding_males,
              "individuals": individuals}
    for name, value in counts.items():
        if value is not None and value < 0:
            errors[name] = [_("Must be at least %(minimum)s.", minimum=0)]
        elif value is not None and value > MAX_COUNT:
            # The column is a 32-bit integer; no census comes near this.
            errors[name] = [_("Must be at most %(maximum)s.", maximum=format_decimal(MAX_COUNT))]
    if resource.kind == "animal" and breeding_females is None and breeding_males is None:
        errors["breeding_females"] = [_("Give the breeding females, the breeding males or both.")]
    if resource.kind != "animal" and individuals is None:
        errors["individuals"] = [_("Give the number of trees or accessions.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    census = Census(resource=resource, entered_by=actor, counted_on=counted_on,
                    locality=locality.strip(), note=(note or "").strip(),
                    application_id=application.id if application is not None else None, **counts)
    db.session.add(census)
    flush()
    return census


def confirm_risk(resource: GeneticResource, actor: User, risk_status: str) -> None:
    if not resource.can_confirm_risk(actor):
        raise PermissionDenied(_("Only an administrator confirms a risk status."))
    if risk_status not in RISK_STATUSES:
        raise ValidationFailed(_("Some fields are not valid."),
                               {"risk_status": [_("Unknown value: %(values)s.", values=risk_status)]})
    resource.risk_status = risk_status
    flush()


# Barcode records ---------------------------------------------------------------------------

@dataclass
class CleanBarcode:
    values: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def clean_barcode(raw: dict) -> CleanBarcode:
    """Check one record's fields (SPEC section 3). Values may be strings (forms, FASTA, JSON)."""
    errors: dict[str, list[str]] = {}
    values: dict = {}

    def text(name, limit):
        value = raw.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            errors[name] = [_("Must be text.")]
            return ""
        value = value.strip()
        if len(value) > limit:
            errors[name] = [_("At most %(limit)s characters.", limit=limit)]
        return value

    sample_id = text("sample_id", 100)
    if not SAMPLE_ID.match(sample_id or ""):
        errors.setdefault("sample_id", [_("Letters, digits, dots, hyphens and underscores, up to 100.")])
    values["sample_id"] = sample_id
    marker = text("marker", 20)
    if marker not in MARKERS:
        errors.setdefault("marker", [_("Unknown marker: %(code)s.", code=marker or "—")])
    values["marker"] = marker
    sequence = normalize_sequence(raw.get("sequence") if isinstance(raw.get("sequence"), str) else "")
    if raw.get("sequence") is not None and not isinstance(raw.get("sequence"), str):
        errors["sequence"] = [_("Must be text.")]
    bad = sorted(set(sequence) - IUPAC)
    if bad:
        errors["sequence"] = [_("Letters that are not IUPAC nucleotide codes: %(letters)s.",
                                letters=", ".join(bad[:10]))]
    elif not sequence and marker not in PANEL_MARKERS:
        errors["sequence"] = [_("A sequence is required for this marker.")]
    elif sequence and not MIN_SEQUENCE <= len(sequence.replace("-", "")) <= MAX_SEQUENCE:
        errors["sequence"] = [_("A sequence has %(minimum)s to %(maximum)s bases.",
                                minimum=MIN_SEQUENCE, maximum=MAX_SEQUENCE)]
    values["sequence"] = sequence
    accession = text("genbank_accession", 20).upper()
    if accession and not ACCESSION.match(accession):
        errors["genbank_accession"] = [_("A GenBank accession is 1–2 letters and 5–6 digits, "
                                         "with an optional version: MN123456.1.")]
    values["genbank_accession"] = accession
    collected = raw.get("collected_on")
    if collected in (None, ""):
        values["collected_on"] = None
    else:
        try:
            values["collected_on"] = collected if isinstance(collected, date) else date.fromisoformat(str(collected))
        except ValueError:
            errors["collected_on"] = [_("Must be a date (YYYY-MM-DD).")]
        else:
            if values["collected_on"] > province_today():
                errors["collected_on"] = [_("This date is in the future.")]
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = raw.get(name)
        if value in (None, ""):
            values[name] = None
            continue
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            errors[name] = [_("Must be a number.")]
            continue
        if not low <= number <= high or number != number:
            errors[name] = [_("Must be between %(low)s and %(high)s.", low=low, high=high)]
        values[name] = number
    values["locality"] = text("locality", 300)
    values["lab"] = text("lab", 300)
    return CleanBarcode(values, errors)


def _checked(resource: GeneticResource, raw: dict, taken_ids: set[str], seen_digests: set[str]) -> CleanBarcode:
    clean = clean_barcode(raw)
    sample_id = clean.values.get("sample_id")
    if sample_id and sample_id in taken_ids:
        clean.errors.setdefault("sample_id", [_("Another record already has this sample id.")])
    digest = sequence_digest(clean.values.get("sequence", ""))
    if digest and digest in seen_digests:
        clean.warnings.append(_("The same sequence is already recorded."))
    clean.values["sequence_digest"] = digest
    return clean


def _taken_sample_ids(sample_ids) -> set[str]:
    ids = [s for s in sample_ids if s]
    if not ids:
        return set()
    return set(db.session.scalars(db.select(BarcodeRecord.sample_id).where(BarcodeRecord.sample_id.in_(ids))))


def _known_digests(resource: GeneticResource, digests) -> set[str]:
    wanted = [d for d in digests if d]
    if not wanted:
        return set()
    return set(db.session.scalars(db.select(BarcodeRecord.sequence_digest).where(
        BarcodeRecord.sequence_digest.in_(wanted))))


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only the Department records DNA barcodes."))


def add_barcode(resource: GeneticResource, actor: User, raw: dict) -> tuple[BarcodeRecord, list[str]]:
    """One record; returns it with warnings (a sequence recorded before)."""
    _require_staff(actor)
    sample_id = raw.get("sample_id").strip() if isinstance(raw.get("sample_id"), str) else ""
    digest = sequence_digest(normalize_sequence(raw.get("sequence") if isinstance(raw.get("sequence"), str) else ""))
    clean = _checked(resource, raw, _taken_sample_ids([sample_id]), _known_digests(resource, [digest]))
    if clean.errors:
        raise ValidationFailed(_("Some fields are not valid."), clean.errors)
    record = BarcodeRecord(resource=resource, entered_by=actor, **clean.values)
    db.session.add(record)
    flush()
    return record, clean.warnings


def fasta_header(record: BarcodeRecord) -> str:
    return f">{record.sample_id}|{record.resource.code}|{record.marker}|{record.genbank_accession}"


def fasta_lines(statement, width: int = 70):
    """FASTA text of the records `statement` selects, one record at a time; panels without a
    sequence are left out. The query runs inside the generator: a streamed response reads it
    after the view has returned and its session has been closed."""
    for record in db.session.scalars(statement.execution_options(yield_per=500)):
        if not record.sequence:
            continue
        yield fasta_header(record) + "\n"
        for start in range(0, len(record.sequence), width):
            yield record.sequence[start:start + width] + "\n"


@dataclass
class ImportLine:
    sample_id: str
    accepted: bool
    reasons: list[str]


def parse_fasta(text: str) -> list[tuple[str, str]]:
    """(header without '>', sequence) pairs. Text before the first header is an error entry."""
    entries: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith(">"):
            entries.append((line[1:].strip(), []))
        elif line.strip():
            if not entries:
                entries.append(("", []))
            entries[-1][1].append(line.strip())
    return [(header, "".join(parts)) for header, parts in entries]


def import_fasta(resource: GeneticResource, actor: User, text: str, default_marker: str = "",
                 lab: str = "") -> list[ImportLine]:
    """Every record of the file is reported: accepted, or rejected with its reasons. Accepted
    records are saved together, in the request's one transaction (nothing half-imported)."""
    _require_staff(actor)
    entries = parse_fasta(text)
    if not entries:
        raise ValidationFailed(_("The file has no FASTA record."),
                               {"file": [_("The file has no FASTA record.")]})
    parsed = []
    for header, sequence in entries:
        fields = header.split("|")
        sample_id = fields[0].strip() if fields else ""
        raw = {"sample_id": sample_id, "sequence": sequence, "lab": lab,
               "marker": (fields[2].strip() if len(fields) > 2 and fields[2].strip() else default_marker),
               "genbank_accession": fields[3].strip() if len(fields) > 3 else ""}
        resource_code = fields[1].strip() if len(fields) > 1 else resource.code
        parsed.append((header, raw, resource_code))
    taken = _taken_sample_ids(raw["sample_id"] for _h, raw, _c in parsed)
    known = _known_digests(resource, (sequence_digest(normalize_sequence(raw["sequence"])) for _h, raw, _c in parsed))
    report, seen_ids = [], set()
    for header, raw, resource_code in parsed:
        if not header:
            report.append(ImportLine("", False, [_("Sequence text before the first '>' header.")]))
            continue
        clean = _checked(resource, raw, taken | seen_ids, known)
        reasons = [message for messages in clean.errors.values() for message in messages]
        if resource_code and resource_code != resource.code:
            reasons.append(_("The header names another resource: %(code)s.", code=resource_code))
        if reasons:
            report.append(ImportLine(raw["sample_id"], False, reasons))
            continue
        db.session.add(BarcodeRecord(resource=resource, entered_by=actor, **clean.values))
        seen_ids.add(clean.values["sample_id"])
        if clean.values["sequence_digest"]:
            known.add(clean.values["sequence_digest"])
        report.append(ImportLine(raw["sample_id"], True, clean.warnings))
    flush()
    return report
