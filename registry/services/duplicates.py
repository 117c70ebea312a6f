"""Possible duplicates of an application, shown to the department beside it (issue 12, item 9).

Four signs, each looked for among the applications the department can see (never drafts,
never the application itself), with a fixed number of queries however large the table is:

- `title`: a similar title. Trigram similarity as PostgreSQL's pg_trgm defines it, computed
  here over accent-folded titles so that SQLite and PostgreSQL agree.
- `denomination`: the same plant-variety denomination once normalised ("NHY 49" = "nhy-49").
- `tax_code`: the same tax code with an overlapping implementation period.
- `sequence`: the same DNA sequence recorded under another genetic resource.

The department sees every application but drafts (`visible_applications` of a staff member);
the same condition is written here because the reviewer's own organisation changes nothing
in what is shown as a possible duplicate.
"""
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from registry.extensions import db
from registry.models import Application, BarcodeRecord, Organization
from registry.services.text import fold, like_pattern
from registry.services import data_version
from registry.services.records import search_any_condition

TITLE_THRESHOLD = 0.5
MAX_SIMILAR_TITLES = 5
# Titles are compared in Python: SQL brings at most this many candidates, those sharing the
# most of the title's longest words first, so the work of a page does not grow with the table.
MAX_TITLE_CANDIDATES = 300
TITLE_SEARCH_WORDS = 3
# The exact signs (denomination, tax code, sequence) list at most this many each.
MAX_PER_REASON = 20

REASONS = ("title", "denomination", "tax_code", "sequence")

# pg_trgm's words: runs of letters and digits (an underscore separates words, as there).
_WORDS = re.compile(r"[^\W_]+")
# What the SQL side of the denomination rule removes; letters are lowered there too.
_DENOMINATION_SEPARATORS = (" ", "-", ".", "_", "/")


@dataclass(frozen=True)
class Duplicate:
    """Another application that may be the same as the one being reviewed, and why.

    `detail` holds what the reason names (the other's denomination, the tax code, the two
    sample ids); `similarity` is set for titles only (0.5 to 1)."""

    application: Application
    reason: str
    similarity: float | None = None
    detail: tuple[str, ...] = ()

    @property
    def reason_label(self) -> str:
        """The reason in the reader's language, translated when it is read (a template may
        render it under another locale than the one it was found under)."""
        if self.reason == "title":
            return _("Similar title")
        if self.reason == "denomination":
            return _("Same variety denomination (%(denomination)s)", denomination=self.detail[0])
        if self.reason == "tax_code":
            return _("Same tax code (%(tax_code)s) and overlapping implementation periods",
                     tax_code=self.detail[0])
        return _("Same DNA sequence: sample %(theirs)s matches sample %(ours)s",
                 theirs=self.detail[0], ours=self.detail[1])


def possible_duplicates(application: Application) -> list[Duplicate]:
    """Similar titles (best first), then the same denomination, the same tax code with an
    overlapping period and the same DNA sequence; each other application at most once per
    reason. At most one query per rule and one to load the applications found."""
    def find() -> list[tuple[int, str, float | None, tuple[str, ...]]]:
        return (_similar_titles(application) + _same_denomination(application)
                + _same_tax_code(application) + _same_sequence(application))

    # The title search reads every application sharing a word: once per data version.
    found = data_version.cached("possible-duplicates", (application.id, application.version), find)
    if not found:
        return []
    ids = {application_id for application_id, *_rest in found}
    loaded = {a.id: a for a in db.session.scalars(sa.select(Application).where(Application.id.in_(ids)))}
    return [Duplicate(loaded[i], reason, score, detail)
            for i, reason, score, detail in found if i in loaded]


def _others_of(application: Application):
    """The applications the department sees, but this one."""
    conditions = [Application.status != "draft"]
    if application.id is not None:
        conditions.append(Application.id != application.id)
    return conditions


# 1. Similar titles ---------------------------------------------------------------------------

def trigrams(text: str | None) -> set[str]:
    """pg_trgm's trigrams of the folded text: each word padded with two spaces in front and
    one behind, every three consecutive characters."""
    grams: set[str] = set()
    for word in _WORDS.findall(fold(text)):
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(first: str | None, second: str | None) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two, on folded text."""
    return _similarity(trigrams(first), trigrams(second))


def _similarity(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def _search_words(title: str) -> list[str]:
    """The title's longest folded words: the rarest, so the likeliest to find its twins."""
    words = sorted(set(_WORDS.findall(fold(title))), key=lambda w: (-len(w), w))
    return words[:TITLE_SEARCH_WORDS]


def _similar_titles(application: Application):
    mine = trigrams(application.title)
    words = _search_words(application.title)
    if not mine or not words:
        return []
    matches = [Application.search_text.like(like_pattern(w), escape="\\") for w in words]
    shared_words = sum((sa.case((m, 1), else_=0) for m in matches), sa.literal(0))
    rows = db.session.execute(
        sa.select(Application.id, Application.title)
        .where(*_others_of(application), search_any_condition(words))
        .order_by(shared_words.desc(), Application.id.desc())
        .limit(MAX_TITLE_CANDIDATES)
    )
    scored = [(row.id, _similarity(mine, trigrams(row.title))) for row in rows]
    similar = sorted(((i, s) for i, s in scored if s >= TITLE_THRESHOLD), key=lambda x: (-x[1], -x[0]))
    return [(i, "title", s, ()) for i, s in similar[:MAX_SIMILAR_TITLES]]


# 2. The same plant-variety denomination --------------------------------------------------------

def normalized_denomination(text: str | None) -> str:
    """Folded, letters and digits only: 'NHY 49', 'NHY49' and 'nhy-49' are all 'nhy49'."""
    return "".join(_WORDS.findall(fold(text)))


def _sql_normalized(column):
    expression = sa.func.lower(column)
    for separator in _DENOMINATION_SEPARATORS:
        expression = sa.func.replace(expression, separator, "")
    return expression


def _same_denomination(application: Application):
    if application.kind != "pvp_filing":
        return []
    key = normalized_denomination(application.denomination)
    if not key:
        return []
    # lower()/replace() find every spelling of a plain denomination on both databases; neither
    # removes accents (and SQLite lowers ASCII only), so the folded words in `search_text` bring
    # the accented spellings too. Python decides, on the same normalisation for both.
    exact = _sql_normalized(Application.denomination) == key
    words = _WORDS.findall(fold(application.denomination))
    folded = sa.and_(*(Application.search_text.like(like_pattern(w), escape="\\") for w in words))
    rows = db.session.execute(
        sa.select(Application.id, Application.denomination)
        .where(*_others_of(application), Application.kind == "pvp_filing", sa.or_(exact, folded))
        .order_by(sa.case((exact, 0), else_=1), Application.id.desc())
        .limit(MAX_PER_REASON * 5)
    )
    same = [row for row in rows if normalized_denomination(row.denomination) == key]
    return [(row.id, "denomination", None, (row.denomination,)) for row in same[:MAX_PER_REASON]]


# 3. The same tax code with an overlapping period ----------------------------------------------

def tax_code_of(application: Application) -> str:
    """A startup's own enterprise code (the applicant may be an incubator applying for it);
    for the other kinds, the applicant organisation's."""
    if application.kind == "startup":
        return (application.tax_code or "").strip()
    organization = application.organization
    return ((organization.tax_code if organization is not None else None) or "").strip()


def _overlapping(start: date | None, end: date | None):
    """[start, end] meets the other's [start_date, end_date]; a missing date is open-ended,
    and an application without either date overlaps nothing."""
    conditions = [sa.or_(Application.start_date.is_not(None), Application.end_date.is_not(None))]
    if start is not None:
        conditions.append(sa.or_(Application.end_date.is_(None), Application.end_date >= start))
    if end is not None:
        conditions.append(sa.or_(Application.start_date.is_(None), Application.start_date <= end))
    return conditions


def _same_tax_code(application: Application):
    code = tax_code_of(application)
    if not code or (application.start_date is None and application.end_date is None):
        return []
    theirs = sa.case((Application.kind == "startup", Application.tax_code), else_=Organization.tax_code)
    ids = db.session.scalars(
        sa.select(Application.id)
        .join(Organization, Organization.id == Application.organization_id)
        .where(*_others_of(application), theirs == code,
               *_overlapping(application.start_date, application.end_date))
        .order_by(Application.id.desc())
        .limit(MAX_PER_REASON)
    )
    return [(i, "tax_code", None, (code,)) for i in ids]


# 4. The same DNA sequence -----------------------------------------------------------------------

def _same_sequence(application: Application):
    """Barcode records belong to a genetic resource, not to an application, so every
    conservation application of one resource shares its sequences: that says nothing. What
    does is the same sequence recorded under two resources — likely one resource entered
    twice — so this finds the conservation applications of another resource that has a
    barcode with the digest of one of this application's resource's barcodes."""
    if application.kind != "conservation" or application.resource_id is None:
        return []
    ours, theirs = aliased(BarcodeRecord), aliased(BarcodeRecord)
    # One matching pair per application, named by its sample ids (which have no spaces).
    pair = sa.func.min(theirs.sample_id + " " + ours.sample_id)
    rows = db.session.execute(
        sa.select(Application.id, pair.label("pair"))
        .join(theirs, theirs.resource_id == Application.resource_id)
        .join(ours, ours.sequence_digest == theirs.sequence_digest)
        .where(*_others_of(application), Application.kind == "conservation",
               ours.resource_id == application.resource_id,
               theirs.resource_id != application.resource_id,
               ours.sequence_digest.is_not(None))
        .group_by(Application.id)
        .order_by(Application.id.desc())
        .limit(MAX_PER_REASON)
    )
    return [(row.id, "sequence", None, tuple(row.pair.split(" ", 1))) for row in rows]
