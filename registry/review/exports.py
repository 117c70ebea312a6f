"""The department's appraisal register as a spreadsheet (never public, never in the API): one
row per application that came before a selection council — the council, the mean of each
criterion of its rubric, the mean total, how many members recommended it, the decision and the
support granted — one sheet per kind. `scope=all` adds every other submitted application (those
sent back or rejected at the eligibility check, plant-variety filings, records approved before
councils), for the year's figures of what was received and what was supported.

Written row by row in openpyxl's write-only mode from keyset-paginated batches; each batch's
councils, criterion means and decisions come in a fixed number of queries, so memory stays flat
and no query is made per row. The council's figures appear only where the reader may see them
(`CouncilAssignment.can_see_result`)."""
import re
import tempfile
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import joinedload, load_only, selectinload

from registry.api.exports import csv_safe
from registry.extensions import db
from registry.models import (Application, Council, CouncilAssignment, Organization, Rubric, ScoreItem,
                             ScoreSheet, visible_applications)
from registry.models.applications import DECIDED_KINDS, KINDS
from registry.models.base import province_date, province_today, start_of_day_utc
from registry.models.councils import COUNCIL_KINDS, mean_points
from registry.models.reference import FORMER_PROVINCES
from registry.review import bp
from registry.review.forms import ExportFilterForm

BATCH = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(viewer, form: ExportFilterForm, kind: str):
    """The applications of one kind in the register, as the viewer may list them."""
    statement = visible_applications(viewer).where(Application.kind == kind,
                                                   Application.submitted_at.is_not(None))
    if form.scope.data != "all":
        statement = statement.where(Application.id.in_(
            sa.select(CouncilAssignment.application_id).where(CouncilAssignment.purpose == "selection")))
    if form.status.data:
        statement = statement.where(Application.status == form.status.data)
    if form.year.data:
        statement = statement.where(
            Application.submitted_at >= start_of_day_utc(date(form.year.data, 1, 1)),
            Application.submitted_at < start_of_day_utc(date(form.year.data + 1, 1, 1)))
    return statement


def _rubrics(filtered) -> list[Rubric]:
    """The rubric versions the selection councils of these applications scored against."""
    used = (sa.select(Council.rubric_id)
            .join(CouncilAssignment, CouncilAssignment.council_id == Council.id)
            .where(CouncilAssignment.purpose == "selection",
                   CouncilAssignment.application_id.in_(filtered.with_only_columns(Application.id))))
    return list(db.session.scalars(
        sa.select(Rubric).where(Rubric.id.in_(used)).options(selectinload(Rubric.criteria))
        .order_by(Rubric.number)))


def _batches(filtered):
    """The applications a batch at a time by id (keyset: no OFFSET), each batch with its councils
    and decisions loaded in a fixed number of queries; nothing else is read per row."""
    statement = filtered.options(
        load_only(Application.id, Application.kind, Application.status, Application.title,
                  Application.public_code, Application.organization_id, Application.field,
                  Application.submitted_at, Application.requested_support_vnd,
                  Application.funding_sought_vnd, Application.implementation_status,
                  Application.former_province, raiseload=True),
        joinedload(Application.organization).load_only(Organization.name, raiseload=True),
        joinedload(Application.commune),
        joinedload(Application.district),
        selectinload(Application.council_assignments)
        .joinedload(CouncilAssignment.council).selectinload(Council.members),
        selectinload(Application.support_decision),
    ).order_by(Application.id).limit(BATCH)
    last_id = 0
    while True:
        batch = db.session.scalars(statement.where(Application.id > last_id)).all()
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def _criterion_means(assignment_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """Each assignment's mean per criterion over its submitted sheets, as the council's page
    computes it (`services.councils.result_of`), from plain rows: one query for a batch."""
    if not assignment_ids:
        return {}
    points: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = db.session.execute(
        sa.select(ScoreSheet.assignment_id, ScoreItem.criterion_id, ScoreItem.points)
        .join(ScoreItem, ScoreItem.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.assignment_id.in_(assignment_ids), ScoreSheet.submitted_at.is_not(None)))
    for assignment_id, criterion_id, value in rows:
        points[assignment_id][criterion_id].append(value)
    return {assignment_id: {criterion_id: mean_points(values) for criterion_id, values in by_criterion.items()}
            for assignment_id, by_criterion in points.items()}


def _criterion_columns(rubrics: list[Rubric]) -> list[tuple[int, str]]:
    """(criterion id, heading) of every criterion of the rubric versions used, in their order."""
    several = len(rubrics) > 1
    columns = []
    for rubric in rubrics:
        for criterion in rubric.criteria:
            heading = (_("%(criterion)s (rubric %(number)s, max %(points)s)", criterion=criterion.name,
                         number=rubric.number, points=criterion.max_points) if several
                       else _("%(criterion)s (max %(points)s)", criterion=criterion.name,
                              points=criterion.max_points))
            columns.append((criterion.id, heading))
    return columns


def _headings(criteria: list[tuple[int, str]]) -> list[str]:
    return [
        _("ID"), _("Public code"), _("Title"), _("Organisation"), _("Kind"), _("Field"),
        _("Commune or ward"), _("Former province"), _("Former district (before 01/07/2025)"),
        _("Status"), _("Submitted on"), _("Council"), *(heading for _id, heading in criteria),
        _("Mean total"), _("Members recommending"), _("Members who scored"), _("Recommended"),
        _("Decision or confirmation number"), _("Decision date"), _("Support requested (VND)"),
        _("Support granted (VND)"), _("Implementation status"),
    ]


def _shown_results(batch: list[Application], viewer) -> dict[int, CouncilAssignment]:
    """By application id, the selection councils whose figures are recorded and that the viewer
    may see (a member who has not submitted, or staff of the applicant organisation, may not)."""
    shown = {}
    for application in batch:
        assignment = application.council_assignment("selection")
        if assignment is not None and assignment.can_see_result(viewer):
            shown[application.id] = assignment
    return shown


def _row(application: Application, criteria: list[tuple[int, str]], shown: dict, means: dict) -> list:
    assignment = application.council_assignment("selection")
    visible = application.id in shown
    means = means.get(assignment.id, {}) if visible else {}
    if assignment is not None and not assignment.is_complete:
        recommended = _("Still scoring")
    elif visible:
        recommended = _("Yes") if assignment.recommended else _("No")
    else:
        recommended = ""
    decision = application.support_decision
    requested = {"project": application.requested_support_vnd,
                 "startup": application.funding_sought_vnd}.get(application.kind)
    return [
        application.id, application.public_code or "", application.title, application.organization.name,
        application.kind_label, application.field_label,
        application.commune.name if application.commune else "",
        str(FORMER_PROVINCES.get(application.former_province, "")),
        application.district.name if application.district else "", application.status_label,
        ("date", province_date(application.submitted_at)),
        assignment.council.name if assignment else "",
        *(("mean", means.get(criterion_id)) for criterion_id, _heading in criteria),
        ("mean", assignment.mean_total if visible else None),
        assignment.recommending if visible else None,
        assignment.scorers if visible else None,
        recommended,
        decision.number if decision else "",
        ("date", decision.decided_on if decision else None),
        ("money", requested),
        ("money", decision.amount_vnd if decision and application.kind in DECIDED_KINDS else None),
        application.implementation_label,
    ]


FORMATS = {"date": "dd/mm/yyyy", "money": "#,##0", "mean": "0.00"}


def _cell(sheet, value):
    """A typed value with its number format; text as text, never a formula: control characters
    XML cannot hold are left out, and a leading = + - @ tab or CR is neutralised as in every
    file the registry writes."""
    if isinstance(value, tuple):
        style, value = value
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = FORMATS[style]
        return cell
    if isinstance(value, str):
        return csv_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _sheet_title(label: str, taken: set[str]) -> str:
    """At most 31 characters and none of \\ / * ? : [ ] (Excel's rules), unique in the workbook."""
    base = re.sub(r"[\\/*?:\[\]]", " ", label).strip()[:31] or "Sheet"
    title, number = base, 1
    while title in taken:
        number += 1
        title = f"{base[:28]}-{number}"
    taken.add(title)
    return title


WIDTHS = {3: 50, 4: 32, 7: 24, 8: 24, 12: 32}  # title, organisation, place, council


def _write_kind(workbook: Workbook, viewer, form: ExportFilterForm, kind: str, taken: set[str]) -> None:
    filtered = _filtered(viewer, form, kind)
    criteria = _criterion_columns(_rubrics(filtered))
    sheet = workbook.create_sheet(_sheet_title(str(KINDS[kind]), taken))
    headings = _headings(criteria)
    for index in range(1, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(index, 16)
    sheet.freeze_panes = "D2"  # the heading row and id, code, title stay in view
    bold = Font(bold=True)
    header = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=_cell(sheet, heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for batch in _batches(filtered):
        shown = _shown_results(batch, viewer)
        means = _criterion_means([assignment.id for assignment in shown.values()])
        for application in batch:
            sheet.append([_cell(sheet, value) for value in _row(application, criteria, shown, means)])


@bp.get("/export/appraisals.xlsx")
def export_appraisals():
    """Staff only (the blueprint refuses everyone else); filters `kind`, `status`, `year` (of
    submission) and `scope` (appraised, the default, or all)."""
    form = ExportFilterForm(formdata=request.args, meta={"csrf": False})
    if not form.validate():
        abort(400)
    viewer = current_user._get_current_object()
    if form.kind.data:
        kinds = [form.kind.data]
    else:
        kinds = list(KINDS) if form.scope.data == "all" else list(COUNCIL_KINDS)
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for kind in kinds:
        _write_kind(workbook, viewer, form, kind, taken)
    # Built whole before the first byte (a failure is an error page, not a cut file), spooled
    # to disk, then sent in chunks.
    spool = tempfile.TemporaryFile()
    try:
        workbook.save(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)

    def chunks():
        with spool:
            while chunk := spool.read(64 * 1024):
                yield chunk

    name = "-".join(filter(None, ["appraisals" if form.scope.data != "all" else "applications",
                                  form.kind.data, str(form.year.data or ""), province_today().isoformat()]))
    response = Response(chunks(), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{name}.xlsx"',
        "Cache-Control": "private, no-store",
    })
    response.call_on_close(spool.close)  # also when the body is never read
    return response
