"""The department's councils: the list, forming one for applications found eligible (or, for
acceptance, supported records under way), and a council's page with who has scored, the results
and the minutes (biên bản: `registry.review.documents`). The rules are in `registry.services.councils`."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from registry.extensions import db
from registry.models import Application, Council, CouncilAssignment, CouncilMember, Rubric, ScoreSheet
from registry.models.councils import COUNCIL_KINDS, PURPOSES
from registry.models.applications import KINDS
from registry.review import bp
from registry.review.forms import CouncilForm
from registry.services import councils as council_service
from registry.web import paginate, run_service


def _actor():
    return current_user._get_current_object()


@bp.get("/councils")
def councils():
    statement = (sa.select(Council)
                 .options(selectinload(Council.assignments), selectinload(Council.members))
                 .order_by(Council.formed_on.desc(), Council.id.desc()))
    waiting = {
        (purpose, kind): db.session.scalar(
            council_service.eligible_for(purpose, kind).with_only_columns(sa.func.count(Application.id)))
        for purpose in PURPOSES for kind in COUNCIL_KINDS}
    return render_template("review/councils.html", pagination=paginate(statement), waiting=waiting,
                           purposes=PURPOSES, kinds={k: KINDS[k] for k in COUNCIL_KINDS})


# A council takes a handful of applications: the form offers those waiting longest.
APPLICATIONS_OFFERED = 200


def _council_form(purpose: str, kind: str, formdata=None) -> CouncilForm:
    form = CouncilForm() if formdata is not None else CouncilForm(
        formdata=None, data={"purpose": purpose, "kind": kind})
    people = db.session.scalars(council_service.possible_members()).all()
    applications = db.session.scalars(
        council_service.eligible_for(purpose, kind)
        .options(joinedload(Application.organization)).order_by(Application.submitted_at, Application.id)
        .limit(APPLICATIONS_OFFERED)
    ).all()
    form.set_choices(people, applications)
    return form


@bp.route("/councils/new", methods=["GET", "POST"])
def new_council():
    purpose = request.values.get("purpose", "selection")
    kind = request.values.get("kind", "project")
    if purpose not in PURPOSES or kind not in COUNCIL_KINDS:
        abort(404)
    form = _council_form(purpose, kind, formdata=request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate():
            outcome = run_service(form, lambda: council_service.form_council(
                _actor(), purpose=purpose, kind=kind, name=form.name.data,
                decision_number=form.decision_number.data, formed_on=form.formed_on.data,
                meets_on=form.meets_on.data, members=form.member_positions(),
                application_ids=form.application_ids()))
            if not outcome.refused:
                flash(_("The council is formed. Its members see their applications under “My councils”."),
                      "success")
                return redirect(url_for(".council", council_id=outcome.result.id))
            status = outcome.status
        else:
            status = 422
    return render_template("review/council_form.html", form=form, purpose_label=PURPOSES[purpose],
                           offered=APPLICATIONS_OFFERED,
                           kind_label=KINDS[kind], rubric=council_service.current_rubric(kind, purpose)), status


def load_council(council_id: int) -> Council:
    """The council with its members, rubric, assignments, declarations and sheets, in a fixed
    number of queries; 404 unless the user may see it."""
    council = db.session.scalar(
        sa.select(Council).where(Council.id == council_id)
        .options(selectinload(Council.members).joinedload(CouncilMember.user),
                 joinedload(Council.rubric).selectinload(Rubric.criteria),
                 selectinload(Council.assignments).options(
                     joinedload(CouncilAssignment.application).joinedload(Application.organization),
                     selectinload(CouncilAssignment.declarations),
                     selectinload(CouncilAssignment.sheets).selectinload(ScoreSheet.items))))
    if council is None or not council.can_view(current_user):
        abort(404)
    return council


@bp.get("/councils/<int:council_id>")
def council(council_id: int):
    council = load_council(council_id)
    actor = _actor()
    rows = [{
        "assignment": assignment,
        "missing": council_service.still_scoring(assignment),
        "off": [d for d in assignment.declarations if d.has_conflict],
        "sheets": assignment.visible_sheets(actor),
        "result": council_service.result_of(assignment) if assignment.can_see_result(actor) else None,
    } for assignment in council.assignments]
    return render_template("review/council.html", council=council, rows=rows,
                           rubric=council.rubric, can_see_progress=council.can_see_progress(actor))


