"""Councils: forming one, members' conflict-of-interest declarations, score sheets, and the
council's result on each application (recorded with the last sheet). Pages and the API call
these; permissions are the models' `can_*`; each function takes the acting user and flushes."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.extensions import db
from registry.models import (
    Application,
    ConflictDeclaration,
    Council,
    CouncilAssignment,
    CouncilMember,
    Rubric,
    ScoreItem,
    ScoreSheet,
    SupportDecision,
    User,
)
from registry.models.base import now_utc, province_today
from registry.models.councils import (
    COUNCIL_KINDS,
    CONFLICT_REASONS,
    MEMBER_ROLES,
    POSITION_COUNTS,
    POSITIONS,
    PURPOSES,
    mean_points,
)
from registry.services.applications import bump_version, record_event
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import flush
from registry.services.versions import given_version

MAX_COMMENT = 10_000


def current_rubric(kind: str, purpose: str, fresh: bool = False) -> Rubric | None:
    """The version in force; `fresh` reads it afresh, not from the session's identity map."""
    statement = (sa.select(Rubric).where(Rubric.kind == kind, Rubric.purpose == purpose, Rubric.is_current)
                 .order_by(Rubric.number.desc()).limit(1))
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return db.session.scalar(statement)


# What may come before a council --------------------------------------------------------------

def eligible_for(purpose: str, kind: str):
    """The applications a new council of `purpose` may take: for selection, those found eligible
    (in review) not yet before a selection council; for acceptance, supported records under way
    not yet before an acceptance council."""
    taken = sa.select(CouncilAssignment.application_id).where(CouncilAssignment.purpose == purpose)
    statement = sa.select(Application).where(Application.kind == kind, Application.id.not_in(taken))
    if purpose == "selection":
        return statement.where(Application.status == "in_review")
    return statement.where(
        Application.status == "approved", Application.implementation_status == "ongoing",
        sa.exists().where(SupportDecision.application_id == Application.id))


def possible_members():
    """Who may sit on a council: active experts and department staff."""
    return (sa.select(User).where(User.role.in_(MEMBER_ROLES), User.is_active_account)
            .order_by(User.full_name, User.email))


# Forming a council ---------------------------------------------------------------------------

def _member_errors(members: list[tuple[int, str]], users: dict[int, User]) -> list[str]:
    errors = []
    seen: set[int] = set()
    for user_id, position in members:
        if user_id in seen:
            errors.append(_("%(name)s is named twice.", name=users[user_id].display_name
                            if user_id in users else user_id))
        seen.add(user_id)
        if user_id not in users:
            errors.append(_("A member is not an active expert or staff account."))
        if position not in POSITIONS:
            errors.append(_("Unknown position."))
    for position, (low, high) in POSITION_COUNTS.items():
        held = sum(1 for _user, p in members if p == position)
        if held < low or (high is not None and held > high):
            label = POSITIONS[position]
            if high == low:
                errors.append(_("The council needs exactly %(count)s × %(position)s.", count=low,
                                position=label))
            else:
                errors.append(_("The council needs at least %(count)s × %(position)s.", count=low,
                                position=label))
    return errors


def form_council(actor: User, *, purpose: str, kind: str, name: str, decision_number: str,
                 formed_on: date | None, meets_on: date | None, members: list[tuple[int, str]],
                 application_ids: list[int]) -> Council:
    """A council of the department for applications of one kind, with its members and the
    rubric in force today. Members from an applicant organisation are refused for it."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only the department forms councils."))
    errors: dict[str, list[str]] = {}
    name, decision_number = (name or "").strip(), (decision_number or "").strip()
    if not 3 <= len(name) <= 300:
        errors["name"] = [_("Give the council a name of 3 to 300 characters.")]
    if len(decision_number) > 60:
        errors["decision_number"] = [_("At most %(limit)s characters.", limit=60)]
    if purpose not in PURPOSES:
        errors["purpose"] = [_("Choose a selection or an acceptance council.")]
    if kind not in COUNCIL_KINDS:
        errors["kind"] = [_("Councils appraise projects, startups and conservation efforts.")]
    if formed_on is None:
        errors["formed_on"] = [_("This field is required.")]
    elif formed_on > province_today():
        errors["formed_on"] = [_("This date is in the future.")]
    if meets_on and formed_on and meets_on < formed_on:
        errors["meets_on"] = [_("The meeting cannot come before the council is formed.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)

    rubric = current_rubric(kind, purpose)
    if rubric is None:
        raise ValidationFailed(_("Some fields are not valid."),
                               {"kind": [_("No rubric is in force for this kind: an admin makes one.")]})
    user_ids = [user_id for user_id, _position in members]
    users = {u.id: u for u in db.session.scalars(possible_members().where(User.id.in_(user_ids)))}
    member_errors = _member_errors(members, users)
    if member_errors:
        errors["members"] = member_errors

    ids = list(dict.fromkeys(application_ids))
    applications = list(db.session.scalars(eligible_for(purpose, kind).where(Application.id.in_(ids)))) if ids else []
    if not ids:
        errors["applications"] = [_("Choose at least one application.")]
    elif len(applications) != len(ids):
        errors["applications"] = [_("Some chosen applications cannot come before this council "
                                    "(their state changed, or another council has them).")]
    for application in applications:
        if not application.can_review(actor):
            raise PermissionDenied(_("You may not screen an application of your own organisation."))
        for user_id in user_ids:
            user = users.get(user_id)
            if user is not None and application.is_of_organisation_of(user):
                errors.setdefault("members", []).append(_(
                    "%(name)s belongs to the applicant organisation of “%(title)s” and cannot "
                    "sit on its council.", name=user.display_name, title=application.title))
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)

    council = Council(purpose=purpose, kind=kind, name=name, decision_number=decision_number,
                      formed_on=formed_on, meets_on=meets_on, rubric=rubric, created_by=actor,
                      version=1)
    db.session.add(council)
    for user_id, position in members:
        db.session.add(CouncilMember(council=council, user=users[user_id], position=position))
    for application in sorted(applications, key=lambda a: a.id):
        db.session.add(CouncilAssignment(council=council, application=application, purpose=purpose))
        record_event(application, actor, "council_assigned", application.status, application.status,
                     name)
        bump_version(application)
    flush()
    return council


# Declarations and score sheets -------------------------------------------------------------

def declare_conflict(assignment: CouncilAssignment, actor: User, *, has_conflict: bool,
                     reasons: list[str], explanation: str) -> ConflictDeclaration:
    """The member's declaration on one application, before they see it. A declared conflict
    takes them off it; it may complete the council's result."""
    member = assignment.council.member_for(actor)
    if member is None:
        raise PermissionDenied(_("You are not a member of this council."))
    if assignment.declaration_of(member) is not None:
        raise Conflict(_("You have already declared on this application."))
    if assignment.is_complete:
        raise Conflict(_("The council's result on this application is already recorded."))
    reasons = list(dict.fromkeys(reasons or []))
    explanation = (explanation or "").strip()
    errors: dict[str, list[str]] = {}
    unknown = [r for r in reasons if r not in CONFLICT_REASONS]
    if unknown:
        errors["reasons"] = [_("Unknown value: %(values)s.", values=", ".join(map(str, unknown)))]
    elif has_conflict and not reasons:
        errors["reasons"] = [_("Say what the conflict is.")]
    elif not has_conflict and reasons:
        errors["reasons"] = [_("Reasons are given only with a conflict.")]
    if "other" in reasons and not explanation:
        errors["explanation"] = [_("Explain the other reason.")]
    if len(explanation) > 2000:
        errors["explanation"] = [_("At most %(limit)s characters.", limit=2000)]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    declaration = ConflictDeclaration(assignment=assignment, member=member,
                                      has_conflict=bool(has_conflict), reasons=reasons,
                                      explanation=explanation)
    db.session.add(declaration)
    flush()
    if has_conflict:
        _record_result_when_complete(assignment, actor)
    return declaration


def _points_errors(rubric: Rubric, points: dict, complete: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    known = {criterion.id: criterion for criterion in rubric.criteria}
    for key in points:
        if key not in known:
            errors.setdefault("points", []).append(_("Unknown criterion."))
    for criterion in rubric.criteria:
        value = points.get(criterion.id)
        name = f"criterion_{criterion.id}"
        if value is None:
            if complete:
                errors[name] = [_("Score every criterion before submitting.")]
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= criterion.max_points:
            errors[name] = [_("A whole number from 0 to %(max)s.", max=criterion.max_points)]
    return errors


def save_score_sheet(assignment: CouncilAssignment, actor: User, *, points: dict[int, int | None],
                     recommends: bool | None, comment: str, version, submit: bool) -> ScoreSheet:
    """The member's own sheet: saved as they work (`submit` False), or submitted, after which it
    is final and the others' sheets open to them. `version` is the sheet's (None or 0 for a new
    one). The last sheet records the council's result."""
    member = assignment.council.member_for(actor)
    sheet = assignment.sheet_of(member)
    number = given_version(version) if version not in (None, "", 0, "0") else 0
    if number != (sheet.version if sheet is not None else 0):
        raise Conflict(_("Your score sheet was changed meanwhile (perhaps in another window). "
                         "Reload it and try again."))
    if not assignment.can_score(actor):
        if member is None:
            raise PermissionDenied(_("You are not a member of this council."))
        declaration = assignment.declaration_of(member)
        if declaration is None:
            raise Conflict(_("Declare any conflict of interest before scoring."))
        if declaration.has_conflict:
            raise PermissionDenied(_("You declared a conflict of interest on this application."))
        raise Conflict(_("Your score sheet is already submitted."))
    comment = (comment or "").strip()
    clean = {int(k): v for k, v in (points or {}).items() if v is not None}
    errors = _points_errors(assignment.council.rubric, clean, complete=submit)
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("At most %(limit)s characters.", limit=MAX_COMMENT)]
    if submit and not comment:
        errors["comment"] = [_("Write your assessment before submitting.")]
    if submit and recommends is None:
        errors["recommends"] = [_("Say whether you recommend it.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    if sheet is None:
        sheet = ScoreSheet(assignment=assignment, member=member, version=1)
        db.session.add(sheet)
    else:
        sheet.version += 1
    sheet.recommends, sheet.comment = recommends, comment
    by_criterion = {item.criterion_id: item for item in sheet.items}
    for criterion_id, value in clean.items():
        if criterion_id in by_criterion:
            by_criterion[criterion_id].points = value
        else:
            sheet.items.append(ScoreItem(criterion_id=criterion_id, points=value))
    for criterion_id, item in by_criterion.items():
        if criterion_id not in clean:
            sheet.items.remove(item)
    if submit:
        sheet.submitted_at = now_utc()
    flush()
    if submit:
        _record_result_when_complete(assignment, actor)
    return sheet


# The council's result --------------------------------------------------------------------------

@dataclass
class Result:
    """The council's figures on one application from the submitted sheets."""

    scorers: int = 0
    criterion_means: dict[int, Decimal] = field(default_factory=dict)
    mean_total: Decimal | None = None
    lowest_total: int | None = None
    highest_total: int | None = None
    recommending: int = 0
    recommended: bool | None = None
    rating: str | None = None

    @property
    def spread(self) -> int | None:
        return None if self.lowest_total is None else self.highest_total - self.lowest_total


def result_of(assignment: CouncilAssignment) -> Result:
    rubric = assignment.council.rubric
    sheets = [s for s in assignment.sheets if s.is_submitted]
    if not sheets:
        return Result()
    totals = [s.total for s in sheets]
    result = Result(
        scorers=len(sheets),
        criterion_means={c.id: mean_points(s.points_by_criterion().get(c.id, 0) for s in sheets)
                         for c in rubric.criteria},
        mean_total=mean_points(totals), lowest_total=min(totals), highest_total=max(totals),
        recommending=sum(1 for s in sheets if s.recommends))
    majority = result.recommending * 100 > rubric.majority_percent * result.scorers
    result.recommended = majority and result.mean_total >= rubric.pass_mark
    if assignment.purpose == "acceptance":
        if result.recommended and result.mean_total >= rubric.excellent_mark:
            result.rating = "excellent"
        else:
            result.rating = "passed" if result.recommended else "failed"
    return result


def still_scoring(assignment: CouncilAssignment) -> list[CouncilMember]:
    """Members still on the application (no declared conflict) whose sheet is not submitted."""
    off = {d.member_id for d in assignment.declarations if d.has_conflict}
    done = {s.member_id for s in assignment.sheets if s.is_submitted}
    return [m for m in assignment.council.members if m.id not in off and m.id not in done]


def _record_result_when_complete(assignment: CouncilAssignment, actor: User) -> None:
    # The last members submitting at once must not each miss the other's sheet: whoever takes
    # the assignment's row second sees both (PostgreSQL; SQLite writes one at a time anyway).
    # FOR NO KEY UPDATE, so that the sheets' inserts referencing the row do not deadlock on it.
    db.session.execute(sa.select(CouncilAssignment.id).where(CouncilAssignment.id == assignment.id)
                       .with_for_update(key_share=True))
    db.session.refresh(assignment)  # the declarations and sheets as saved, this one included
    if assignment.is_complete or still_scoring(assignment):
        return
    result = result_of(assignment)
    if result.scorers == 0:
        return  # every member declared a conflict: the department must re-form the council
    assignment.completed_at = now_utc()
    assignment.mean_total = result.mean_total
    assignment.recommended = result.recommended
    assignment.recommending = result.recommending
    assignment.scorers = result.scorers
    assignment.rating = result.rating
    application = assignment.application
    record_event(application, actor, "council_result", application.status, application.status,
                 f"{result.mean_total}/100 · {result.recommending}/{result.scorers}")
    bump_version(application)
    flush()
