"""The province's communes and wards as dated data, read from a CSV list in the form of
registry/reference_data/communes_2025.csv: init-data loads that list, and admins load a
corrected or a new one (the next reorganisation) at /admin/communes without a code change."""
import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.extensions import db
from registry.models import Application, Commune
from registry.models.reference import FORMER_PROVINCES, UNIT_TYPES
from registry.services.errors import ValidationFailed
from registry.services.text import fold

SEED_FILE = Path(__file__).resolve().parent.parent / "reference_data" / "communes_2025.csv"
REQUIRED_COLUMNS = ("code", "name", "unit_type", "former_province", "former_districts", "valid_from")
OPTIONAL_COLUMNS = ("valid_until", "name_en")
MAX_ROWS = 5_000
PREFIXES = {"xa": "Xã ", "phuong": "Phường "}
ENGLISH_SUFFIX = {"xa": "Commune", "phuong": "Ward"}


@dataclass
class CommuneRow:
    line: int
    code: str
    name_vi: str
    name_en: str
    unit_type: str
    former_province: str
    former_districts: str
    valid_from: date
    valid_until: date | None

    def values(self) -> dict:
        return {"name_vi": self.name_vi, "name_en": self.name_en, "unit_type": self.unit_type,
                "former_province": self.former_province, "former_districts": self.former_districts,
                "valid_from": self.valid_from, "valid_until": self.valid_until,
                "search_name": fold(self.name_vi)}


@dataclass
class LoadResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    ended: list[str] = field(default_factory=list)  # not in a replacing list: valid until the day before


def english_name(name_vi: str, unit_type: str) -> str:
    """"Phường Phố Hiến" -> "Phố Hiến Ward": English pages keep the Vietnamese name."""
    prefix = PREFIXES[unit_type]
    base = name_vi[len(prefix):] if name_vi.startswith(prefix) else name_vi
    return f"{base} {ENGLISH_SUFFIX[unit_type]}"


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_communes(data: bytes | str) -> list[CommuneRow]:
    """Every row of the list, checked; every problem of the file at once (422), each with its line.
    Lines starting with # are notes (the sources)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(_("The file is not UTF-8 text."), {"file": [_("The file is not UTF-8 text.")]}) \
                from None
    data = unicodedata.normalize("NFC", data)
    numbered = [(n, line) for n, line in enumerate(data.splitlines(), 1)
                if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise ValidationFailed(_("The file has no rows."), {"file": [_("The file has no rows.")]})
    reader = csv.reader([line for _n, line in numbered])
    try:
        return _checked_rows(numbered, reader)
    except csv.Error:  # a cell past the reader's limit, a stray quote
        message = _("The file cannot be read as a CSV list.")
        raise ValidationFailed(message, {"file": [message]}) from None


def _checked_rows(numbered: list[tuple[int, str]], reader) -> list[CommuneRow]:
    header = [name.strip() for name in next(reader)]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        message = _("Missing columns: %(columns)s.", columns=", ".join(missing))
        raise ValidationFailed(message, {"file": [message]})
    problems: list[str] = []
    rows: list[CommuneRow] = []
    seen: set[str] = set()
    for (line, _text), cells in zip(numbered[1:], reader):
        if len(rows) >= MAX_ROWS:
            problems.append(_("At most %(count)s rows.", count=MAX_ROWS))
            break
        value = dict(zip(header, (cell.strip() for cell in cells)))
        errors = []
        code, name, unit_type = value.get("code", ""), value.get("name", ""), value.get("unit_type", "")
        if not (code.isascii() and code.isdigit() and len(code) == 5):
            errors.append(_("the code must be five digits"))
        elif code in seen:
            errors.append(_("the code %(code)s appears twice", code=code))
        if not name or len(name) > 120:
            errors.append(_("a name of at most 120 characters is needed"))
        if unit_type not in UNIT_TYPES:
            errors.append(_("unit_type must be xa or phuong"))
        if value.get("former_province", "") not in FORMER_PROVINCES:
            errors.append(_("former_province must be hung_yen or thai_binh"))
        valid_from = _date(value.get("valid_from", ""))
        valid_until = _date(value["valid_until"]) if value.get("valid_until") else None
        if valid_from is None:
            errors.append(_("valid_from must be a date (YYYY-MM-DD)"))
        if value.get("valid_until") and (valid_until is None or (valid_from and valid_until < valid_from)):
            errors.append(_("valid_until must be a date (YYYY-MM-DD) not before valid_from"))
        name_en = value.get("name_en") or (english_name(name, unit_type) if unit_type in UNIT_TYPES else "")
        if len(value.get("former_districts", "")) > 500 or len(name_en) > 120:
            errors.append(_("a value is too long"))
        if errors:
            problems.append(_("Line %(line)s: %(problems)s.", line=line, problems="; ".join(errors)))
            continue
        seen.add(code)
        rows.append(CommuneRow(line=line, code=code, name_vi=name,
                               name_en=name_en,
                               unit_type=unit_type, former_province=value["former_province"],
                               former_districts=value.get("former_districts", ""),
                               valid_from=valid_from, valid_until=valid_until))
    if problems:
        raise ValidationFailed(_("The list was not loaded: correct these lines and load it again."),
                               {"file": problems})
    if not rows:
        raise ValidationFailed(_("The file has no rows."), {"file": [_("The file has no rows.")]})
    return rows


def load_communes(rows: list[CommuneRow], *, replace: bool = False, only_new: bool = False) -> LoadResult:
    """Add the units not known yet and correct the others by code, in the caller's transaction.
    With `replace`, units the list does not name end the day before its new units begin;
    with `only_new` (init-data), known units keep what admins made of them. A corrected former
    province is carried to the records of that unit."""
    existing = {commune.code: commune for commune in db.session.scalars(sa.select(Commune))}
    result = LoadResult()
    for row in rows:
        commune = existing.get(row.code)
        if commune is None:
            db.session.add(Commune(code=row.code, **row.values()))
            result.added.append(row.code)
            continue
        if only_new:
            continue
        changed = {name: value for name, value in row.values().items() if getattr(commune, name) != value}
        if not changed:
            result.unchanged += 1
            continue
        for name, value in changed.items():
            setattr(commune, name, value)
        if "former_province" in changed:
            db.session.execute(sa.update(Application).where(Application.commune_id == commune.id)
                               .values(former_province=row.former_province))
        result.updated.append(row.code)
    if replace and rows:
        # The reorganisation begins with its new units (the kept ones carry their own, older start).
        new_rows = [row for row in rows if row.code in result.added] or rows
        begins = min(row.valid_from for row in new_rows)
        named = {row.code for row in rows}
        for code, commune in existing.items():
            if code not in named and (commune.valid_until is None or commune.valid_until >= begins):
                commune.valid_until = max(begins - timedelta(days=1), commune.valid_from)
                result.ended.append(code)
    db.session.flush()
    return result


def load_seed_communes() -> int:
    """The list of 01/07/2025, for init-data: the units not loaded yet."""
    return len(load_communes(read_communes(SEED_FILE.read_bytes()), only_new=True).added)


def communes_valid_on(day: date) -> list[Commune]:
    """The units a record made on `day` may name, in the order of their codes."""
    return list(db.session.scalars(
        sa.select(Commune)
        .where(Commune.valid_from <= day, sa.or_(Commune.valid_until.is_(None), Commune.valid_until >= day))
        .order_by(Commune.former_province, Commune.code)))


def read_uploaded_list(stream) -> list[CommuneRow]:
    """An uploaded list, read whole (at most a few hundred kilobytes)."""
    data = stream.read(2 * 1024 * 1024 + 1)
    if len(data) > 2 * 1024 * 1024:
        message = _("The file is larger than %(mb)s MB.", mb=2)
        raise ValidationFailed(message, {"file": [message]})
    return read_communes(data)
