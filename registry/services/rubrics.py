"""The scoring rubrics admins keep: one per kind and purpose, versioned. A version that a council
uses stands as it was — a change is a new version, which is in force for councils formed from
then on; the councils formed before keep theirs. The current version may be corrected in place
while no council uses it. Pages call these; each function takes the acting user and flushes."""
from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.extensions import db
from registry.models import Council, Rubric, RubricCriterion, User
from registry.models.councils import COUNCIL_KINDS, PURPOSES
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import flush
from registry.services.councils import current_rubric
from registry.services.versions import given_version

MAX_CRITERIA = 12
TOTAL_POINTS = 100
NAME_LIMIT = 300  # the columns' length

# A criterion as pages and the seed data give it: (Vietnamese name, English name, maximum points).
Criterion = tuple[str, str, int]


def current_version(kind: str, purpose: str) -> Rubric | None:
    """The version in force, read afresh (not from the session's identity map): after
    `_lock`, another admin's change committed meanwhile is what counts."""
    return current_rubric(kind, purpose, fresh=True)


def versions_in_use(rubric_ids) -> dict[int, int]:
    """How many councils use each of the given versions (absent: none), in one query."""
    ids = list(rubric_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Council.rubric_id, sa.func.count(Council.id))
        .where(Council.rubric_id.in_(ids)).group_by(Council.rubric_id)).all())


def _lock(rubric: Rubric) -> None:
    """Take the version's row for this transaction (PostgreSQL). A council being formed on it
    holds a share lock on the row (its foreign key) that this waits for, so the check for use
    that follows sees that council; a council formed afterwards waits for the correction."""
    db.session.execute(sa.select(Rubric.id).where(Rubric.id == rubric.id).with_for_update())


def _still_editable(rubric: Rubric) -> bool:
    """Read after the correction is written: SQLite lets one writer at a time, so no council
    and no newer version can come between this check and the commit."""
    current = db.session.scalar(sa.select(Rubric.is_current).where(Rubric.id == rubric.id))
    return bool(current) and not rubric.is_in_use()


def _criteria_errors(criteria: Sequence[Criterion]) -> list[str]:
    errors = []
    if not criteria:
        return [_("Give at least one criterion.")]
    if len(criteria) > MAX_CRITERIA:
        errors.append(_("A rubric has at most %(limit)s criteria.", limit=MAX_CRITERIA))
    seen: set[str] = set()
    for number, (name_vi, name_en, points) in enumerate(criteria, start=1):
        if not name_vi:
            errors.append(_("Criterion %(number)s: give its Vietnamese name.", number=number))
        elif len(name_vi) > NAME_LIMIT or len(name_en) > NAME_LIMIT:
            errors.append(_("Criterion %(number)s: a name has at most %(limit)s characters.",
                            number=number, limit=NAME_LIMIT))
        elif name_vi.casefold() in seen:
            errors.append(_("Criterion %(number)s has the same name as another.", number=number))
        seen.add(name_vi.casefold())
        if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= TOTAL_POINTS:
            errors.append(_("Criterion %(number)s: the maximum is a whole number from 1 to %(total)s.",
                            number=number, total=TOTAL_POINTS))
    if not errors:
        total = sum(points for _vi, _en, points in criteria)
        if total != TOTAL_POINTS:
            errors.append(_("The maximum points sum to %(total)s; they must sum to exactly %(required)s.",
                            total=total, required=TOTAL_POINTS))
    return errors


def _mark_errors(purpose: str, pass_mark, excellent_mark, majority_percent) -> dict[str, list[str]]:
    def whole(value, low: int, high: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    errors = {}
    if not whole(pass_mark, 1, TOTAL_POINTS):
        errors["pass_mark"] = [_("A whole number from 1 to %(total)s.", total=TOTAL_POINTS)]
    if not whole(excellent_mark, 1, TOTAL_POINTS):
        errors["excellent_mark"] = [_("A whole number from 1 to %(total)s.", total=TOTAL_POINTS)]
    elif purpose == "acceptance" and "pass_mark" not in errors and excellent_mark < pass_mark:
        errors["excellent_mark"] = [_("The excellent mark cannot be below the pass mark.")]
    if not whole(majority_percent, 0, 99):
        errors["majority_percent"] = [_("A whole number from 0 to 99.")]
    return errors


def _cleaned(criteria: Sequence[Criterion]) -> list[Criterion]:
    return [((name_vi or "").strip(), (name_en or "").strip(), points)
            for name_vi, name_en, points in criteria]


def _check_input(purpose: str, criteria: list[Criterion], pass_mark, excellent_mark,
                 majority_percent) -> None:
    errors = _mark_errors(purpose, pass_mark, excellent_mark, majority_percent)
    criteria_errors = _criteria_errors(criteria)
    if criteria_errors:
        errors["criteria"] = criteria_errors
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)


def _write(rubric: Rubric, criteria: list[Criterion], pass_mark: int, excellent_mark: int,
           majority_percent: int) -> None:
    """Put the criteria on `rubric`, reusing its rows by position: a criterion's row keeps its
    id, and (rubric, position) stays unique at every step of the flush."""
    rubric.pass_mark, rubric.excellent_mark = pass_mark, excellent_mark
    rubric.majority_percent = majority_percent
    rows = list(rubric.criteria)
    for position, (name_vi, name_en, points) in enumerate(criteria, start=1):
        if position <= len(rows):
            row = rows[position - 1]
            row.name_vi, row.name_en, row.max_points = name_vi, name_en, points
        else:
            rubric.criteria.append(RubricCriterion(position=position, name_vi=name_vi,
                                                   name_en=name_en, max_points=points))
    for row in rows[len(criteria):]:
        rubric.criteria.remove(row)  # delete-orphan


def _made_meanwhile() -> Conflict:
    return Conflict(_("Another version of this rubric was made meanwhile. Look at it, then make "
                      "yours from it."))


def new_rubric_version(actor: User, kind: str, purpose: str, criteria: Sequence[Criterion],
                       pass_mark: int, excellent_mark: int, majority_percent: int, *,
                       based_on=None) -> Rubric:
    """Version N+1 of the kind's rubric for `purpose`, in force from now; version N stays with
    the councils that use it. `based_on` is the number of the version the admin started from
    (0 when there was none): another version made meanwhile is a conflict, not overwritten."""
    if kind not in COUNCIL_KINDS or purpose not in PURPOSES:
        raise ValidationFailed(_("Some fields are not valid."), {
            "kind": [_("Rubrics are kept for the kinds councils appraise, for selection and acceptance.")]})
    previous = current_version(kind, purpose)
    if based_on is not None and given_version(based_on) != (previous.number if previous else 0):
        raise _made_meanwhile()
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators keep the rubrics."))
    criteria = _cleaned(criteria)
    _check_input(purpose, criteria, pass_mark, excellent_mark, majority_percent)

    if previous is not None:
        # Only if it is still the current one: of two admins saving at once, one makes the
        # version, the other is told (the first version of all: the unique number tells).
        demoted = db.session.execute(
            sa.update(Rubric).where(Rubric.id == previous.id, Rubric.is_current.is_(True))
            .values(is_current=False))
        if demoted.rowcount != 1:
            db.session.rollback()
            raise _made_meanwhile()
    last = db.session.scalar(sa.select(sa.func.max(Rubric.number))
                             .where(Rubric.kind == kind, Rubric.purpose == purpose)) or 0
    rubric = Rubric(kind=kind, purpose=purpose, number=last + 1, is_current=True,
                    created_by_id=actor.id)
    _write(rubric, criteria, pass_mark, excellent_mark, majority_percent)
    db.session.add(rubric)
    flush()  # two versions of the same number: the unique constraint makes it a conflict
    return rubric


def update_rubric(rubric: Rubric, actor: User, criteria: Sequence[Criterion], pass_mark: int,
                  excellent_mark: int, majority_percent: int, version=None) -> Rubric:
    """Correct the current version in place, while no council uses it. `version` is the row's
    lock counter as the admin saw it: a correction saved meanwhile is a conflict."""
    _lock(rubric)
    db.session.refresh(rubric)
    if version is not None and given_version(version) != rubric.version:
        raise Conflict(_("Someone else corrected this version meanwhile. Reload it and try again."))
    if not rubric.is_current:
        raise Conflict(_("A newer version of this rubric is in force; this one can no longer be "
                         "changed."))
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators keep the rubrics."))
    if not rubric.can_edit(actor):
        raise Conflict(_("A council uses this version, so it stands as it is. Make a new version "
                         "instead."))
    criteria = _cleaned(criteria)
    _check_input(rubric.purpose, criteria, pass_mark, excellent_mark, majority_percent)
    _write(rubric, criteria, pass_mark, excellent_mark, majority_percent)
    rubric.version += 1
    flush()
    if not _still_editable(rubric):
        db.session.rollback()
        raise Conflict(_("A council took up this version, or a newer version was made, while you "
                         "were correcting it. Make a new version instead."))
    return rubric
