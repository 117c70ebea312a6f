"""A council member's pages: the councils they sit on, the declaration of any conflict of
interest on each application, then the application itself and their own score sheet. Outside
experts see nothing else of the registry; staff who sit on a council use the same pages."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from registry.council import bp
from registry.council.forms import DeclarationForm, ScoreSheetForm
from registry.extensions import db, login_manager
from registry.models import Council, CouncilAssignment, CouncilMember, Rubric, ScoreSheet
from registry.models.councils import MEMBER_ROLES
from registry.presenters import field_rows
from registry.services import councils as council_service
from registry.web import run_service


@bp.before_request
def require_member_role():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in MEMBER_ROLES:
        abort(403)
    return None


def _actor():
    return current_user._get_current_object()


@bp.get("/")
def index():
    """The councils the user sits on, and on each application what is theirs to do."""
    memberships = db.session.scalars(
        sa.select(CouncilMember).where(CouncilMember.user_id == current_user.id)
        .options(joinedload(CouncilMember.council).selectinload(Council.assignments)
                 .options(joinedload(CouncilAssignment.application),
                          selectinload(CouncilAssignment.declarations),
                          selectinload(CouncilAssignment.sheets)))
        .order_by(CouncilMember.id.desc())).all()
    return render_template("council/index.html", memberships=memberships, task=_task)


def _task(assignment: CouncilAssignment, user) -> str:
    """What the member has to do on one application: declare, score, or nothing."""
    if assignment.can_declare(user):
        return "declare"
    if assignment.is_off(user):
        return "off"
    if assignment.can_score(user):
        return "score"
    return "done"


def _load(council_id: int, application_id: int) -> CouncilAssignment:
    assignment = db.session.scalar(
        sa.select(CouncilAssignment)
        .where(CouncilAssignment.council_id == council_id,
               CouncilAssignment.application_id == application_id)
        .options(joinedload(CouncilAssignment.council).options(
                     selectinload(Council.members).joinedload(CouncilMember.user),
                     joinedload(Council.rubric).selectinload(Rubric.criteria)),
                 joinedload(CouncilAssignment.application),
                 selectinload(CouncilAssignment.declarations),
                 selectinload(CouncilAssignment.sheets).selectinload(ScoreSheet.items))
        .execution_options(populate_existing=True))
    if assignment is None or assignment.council.member_for(current_user) is None:
        abort(404)
    return assignment


def _sheet_form(assignment: CouncilAssignment, formdata=None):
    rubric = assignment.council.rubric
    form_class = ScoreSheetForm.for_rubric(rubric)
    member = assignment.council.member_for(current_user)
    sheet = assignment.sheet_of(member)
    if formdata is not None:
        form = form_class()
    else:
        data = {"version": sheet.version if sheet else 0,
                "comment": sheet.comment if sheet else "",
                "recommends": {True: "yes", False: "no"}.get(sheet.recommends) if sheet else None}
        if sheet:
            data.update({f"criterion_{k}": v for k, v in sheet.points_by_criterion().items()})
        form = form_class(formdata=None, data=data)
    if assignment.purpose == "acceptance":
        form.recommends.label.text = _("Does the result pass acceptance?")
    return form


def _render(assignment: CouncilAssignment, status: int = 200, declaration_form=None, sheet_form=None):
    actor = _actor()
    member = assignment.council.member_for(actor)
    can_read = assignment.can_read(actor)
    return render_template(
        "council/application.html",
        assignment=assignment,
        council=assignment.council,
        application=assignment.application,
        member=member,
        can_declare=assignment.can_declare(actor),
        is_off=assignment.is_off(actor),
        can_read=can_read,
        rows=field_rows(assignment.application) if can_read else [],
        can_score=assignment.can_score(actor),
        own_sheet=assignment.sheet_of(member),
        sheets=assignment.visible_sheets(actor),
        result=council_service.result_of(assignment) if assignment.can_see_result(actor) else None,
        declaration_form=declaration_form or DeclarationForm(formdata=None),
        sheet_form=sheet_form or (_sheet_form(assignment) if assignment.can_score(actor) else None),
        missing=(council_service.still_scoring(assignment)
                 if assignment.council.can_see_progress(actor) else None),
    ), status


@bp.get("/<int:council_id>/applications/<int:application_id>")
def application(council_id: int, application_id: int):
    return _render(_load(council_id, application_id))


@bp.post("/<int:council_id>/applications/<int:application_id>/declaration")
def declare(council_id: int, application_id: int):
    assignment = _load(council_id, application_id)
    form = DeclarationForm()
    if not form.validate():
        return _render(assignment, 422, declaration_form=form)
    outcome = run_service(form, lambda: council_service.declare_conflict(
        assignment, _actor(), has_conflict=form.has_conflict.data == "yes",
        reasons=form.reasons.data or [], explanation=form.explanation.data or ""))
    if outcome.refused:
        return _render(_load(council_id, application_id), outcome.status, declaration_form=form)
    if outcome.result.has_conflict:
        flash(_("Your conflict of interest is recorded: you are off this application."), "success")
    else:
        flash(_("Your declaration is recorded. You can now read the application and score it."),
              "success")
    return redirect(url_for(".application", council_id=council_id, application_id=application_id))


@bp.post("/<int:council_id>/applications/<int:application_id>/sheet")
def save_sheet(council_id: int, application_id: int):
    assignment = _load(council_id, application_id)
    form = _sheet_form(assignment, formdata=request.form)
    submit = request.form.get("action") == "submit"
    if not form.validate():
        return _render(assignment, 422, sheet_form=form)
    outcome = run_service(form, lambda: council_service.save_score_sheet(
        assignment, _actor(), points=form.points(), recommends=form.recommends_value(),
        comment=form.comment.data or "", version=form.version.data, submit=submit))
    if outcome.refused:
        if outcome.status == 409:
            reloaded = _load(council_id, application_id)
            sheet = reloaded.sheet_of(reloaded.council.member_for(current_user))
            form.version.data = sheet.version if sheet else 0
            return _render(reloaded, 409, sheet_form=form)
        return _render(_load(council_id, application_id), outcome.status, sheet_form=form)
    flash(_("Your scores are submitted. You can now see the other members' sheets.") if submit
          else _("Your scores are saved. Submit them when you are done."), "success")
    return redirect(url_for(".application", council_id=council_id, application_id=application_id,
                            _anchor="sheet"))
