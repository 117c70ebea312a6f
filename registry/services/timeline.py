"""One application's life in one list, oldest first, for the department: its history (submissions,
the eligibility check, revision requests, decisions, implementation changes, progress reports),
its councils (placement, each member's declaration and score sheet, the result), the support
decision, inspections and acceptance.

Each source is a function of (application, viewer) listed in `SOURCES`; a new kind of record
joins the timeline with one line there. The council's figures reach the viewer only as its
`can_*` methods allow (a member who has not submitted sees no one else's sheet). The timeline
reads only what `LOADING` loads: one query per relationship, whatever the number of events.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from registry.formatting import figure, money, short_date
from registry.models import (Application, ApplicationEvent, Council, CouncilAssignment, CouncilMember,
                             Inspection, Rubric, ScoreSheet, User)
from registry.models.applications import ACTIONS, IMPLEMENTATION_STATUSES
from registry.models.base import province_date, province_time


@dataclass(frozen=True)
class Entry:
    """One thing that happened. `when` is a stored timestamp (naive UTC) or, for what is dated
    by a document (a decision, an inspection, acceptance), a calendar date."""

    when: datetime | date
    kind: str
    title: str
    detail: str = ""
    url: str | None = None
    actor: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)

    def sort_key(self) -> tuple:
        # A day without a time comes after what was stamped that day (Hưng Yên time): the
        # decision signed on the day of the approval follows the approval.
        if self.has_time:
            return (province_date(self.when), 0, province_time(self.when).time())
        return (self.when, 1, time.max)


# What the timeline reads: pass these to the query that loads the application.
LOADING = (
    selectinload(Application.events).joinedload(ApplicationEvent.actor),
    selectinload(Application.council_assignments).options(
        joinedload(CouncilAssignment.council).options(
            joinedload(Council.rubric).selectinload(Rubric.criteria),
            selectinload(Council.members).joinedload(CouncilMember.user)),
        selectinload(CouncilAssignment.declarations),
        selectinload(CouncilAssignment.sheets).selectinload(ScoreSheet.items)),
    selectinload(Application.support_decision),
    selectinload(Application.progress_reports),
    selectinload(Application.inspections).joinedload(Inspection.recorded_by),
    selectinload(Application.acceptance),
)

# History events that a source below tells in full (with the figures the viewer may see): the
# event itself would only repeat it, or show a council's result to someone who may not see it.
TOLD_BY_SOURCES = frozenset({"council_assigned", "council_result", "support_decision", "inspection",
                             "acceptance"})


def _history(application: Application, viewer: User | None) -> Iterable[Entry]:
    reports = {report.number: report for report in application.progress_reports}
    for event in application.events:
        if event.action in TOLD_BY_SOURCES:
            continue
        detail, url = event.comment, None
        if event.implementation_status:
            status = str(IMPLEMENTATION_STATUSES.get(event.implementation_status, event.implementation_status))
            detail = f"{status}\n{event.comment}" if event.comment else status
        if event.action == "progress_report" and event.comment.isdigit():
            # The filing's comment is the report's number (services.followup).
            number = int(event.comment)
            detail = _("Report %(number)s", number=number)
            report = reports.get(number)
            if report is not None and report.can_view(viewer) and viewer.is_staff:
                url = url_for("review.progress_report", application_id=application.id, number=number)
        yield Entry(event.at, event.action, event.action_label, detail, url, event.actor.display_name)


def _council_url(assignment: CouncilAssignment, viewer: User | None) -> str | None:
    if assignment.council.can_manage(viewer):
        return url_for("review.council", council_id=assignment.council_id)
    if assignment.council.member_for(viewer) is not None:
        return url_for("council.application", council_id=assignment.council_id,
                       application_id=assignment.application_id)
    return None


def _councils(application: Application, viewer: User | None) -> Iterable[Entry]:
    for assignment in application.council_assignments:
        council = assignment.council
        formed = _("%(purpose)s “%(name)s”, formed on %(date)s", purpose=council.purpose_label,
                   name=council.name, date=short_date(council.formed_on))
        if council.decision_number:
            formed += " · " + _("decision %(number)s", number=council.decision_number)
        yield Entry(council.created_at, "council_assigned", str(ACTIONS["council_assigned"]), formed,
                    _council_url(assignment, viewer))
        yield from _declarations(assignment, viewer)
        maximum = council.rubric.total_points
        for sheet in assignment.visible_sheets(viewer):
            if not sheet.is_submitted:
                continue
            member = sheet.member
            yield Entry(sheet.submitted_at, "score_sheet", _("Score sheet submitted"), _(
                "%(member)s (%(position)s): %(total)s of %(max)s points; %(opinion)s",
                member=member.user.display_name, position=member.position_label, total=sheet.total,
                max=maximum, opinion=_opinion(assignment, sheet.recommends)), actor=member.user.display_name)
        if assignment.can_see_result(viewer):
            yield Entry(assignment.completed_at, "council_result", str(ACTIONS["council_result"]),
                        _result_text(assignment, maximum))


def _declarations(assignment: CouncilAssignment, viewer: User | None) -> Iterable[Entry]:
    """The department reads every declaration; a member, their own."""
    own = assignment.council.member_for(viewer)
    for declaration in assignment.declarations:
        if not (assignment.council.can_manage(viewer) or (own is not None and declaration.member_id == own.id)):
            continue
        name = declaration.member.user.display_name
        if declaration.has_conflict:
            reasons = "; ".join(declaration.reason_labels)
            if declaration.explanation:
                reasons += f" ({declaration.explanation})"
            yield Entry(declaration.declared_at, "conflict_declared", _("Conflict of interest declared"),
                        _("%(member)s is off this application: %(reasons)s", member=name, reasons=reasons),
                        actor=name)
        else:
            yield Entry(declaration.declared_at, "no_conflict_declared", _("No conflict of interest declared"),
                        name, actor=name)


def _opinion(assignment: CouncilAssignment, recommends: bool | None) -> str:
    if assignment.purpose == "acceptance":
        return _("finds that it passes") if recommends else _("finds that it fails")
    return _("recommends support") if recommends else _("does not recommend support")


def _result_text(assignment: CouncilAssignment, maximum: int) -> str:
    text = _("Mean total %(mean)s of %(max)s; %(recommending)s of %(scorers)s members in favour",
             mean=figure(assignment.mean_total, 2), max=maximum, recommending=assignment.recommending,
             scorers=assignment.scorers)
    if assignment.purpose == "acceptance":
        return f"{text}: {assignment.rating_label}"
    return f"{text}: " + (_("recommended") if assignment.recommended else _("not recommended"))


def _support_decision(application: Application, viewer: User | None) -> Iterable[Entry]:
    decision = application.support_decision
    if decision is None:
        return
    if decision.is_confirmation:
        title = _("The department's confirmation")
        detail = _("No. %(number)s, signed by %(signer)s", number=decision.number, signer=decision.signer)
    else:
        title = _("Support decision")
        detail = _("No. %(number)s, signed by %(signer)s; support granted %(amount)s",
                   number=decision.number, signer=decision.signer, amount=money(decision.amount_vnd))
    url = url_for("public.decision_file", decision_id=decision.id) if decision.can_download(viewer) else None
    yield Entry(decision.decided_on, "support_decision", title, detail, url)


def _inspections(application: Application, viewer: User | None) -> Iterable[Entry]:
    for inspection in application.inspections:
        yield Entry(inspection.inspected_on, "inspection", str(ACTIONS["inspection"]),
                    f"{inspection.conclusion_label} — {inspection.inspectors}\n{inspection.findings}",
                    actor=inspection.recorded_by.display_name)


def _acceptance(application: Application, viewer: User | None) -> Iterable[Entry]:
    acceptance = application.acceptance
    if acceptance is None:
        return
    detail = _("%(rating)s; total disbursed %(amount)s", rating=acceptance.rating_label,
               amount=money(acceptance.disbursed_vnd))
    detail += f"\n{application.implementation_label}"  # completed or terminated: final
    if acceptance.reasons:
        detail += f"\n{acceptance.reasons}"
    yield Entry(acceptance.accepted_on, "acceptance", str(ACTIONS["acceptance"]), detail)


Source = Callable[[Application, User | None], Iterable[Entry]]
# Where the timeline comes from; a new record (say, a complaint) joins it with one line here.
SOURCES: tuple[Source, ...] = (_history, _councils, _support_decision, _inspections, _acceptance)


def timeline(application: Application, viewer: User | None) -> list[Entry]:
    """Everything the viewer may see of the application's life, oldest first (the application
    loaded with `LOADING`). Nothing for someone who may not see the application."""
    if not application.can_view(viewer):
        return []
    entries = [entry for source in SOURCES for entry in source(application, viewer)]
    return sorted(entries, key=Entry.sort_key)  # stable: same moment, source order
