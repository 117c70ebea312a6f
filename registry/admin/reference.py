"""Reference data: the communes and wards and the former districts, genetic resources, agencies
and the plan's tasks (who leads and coordinates what: departments merge and split)."""
import csv
from datetime import timedelta

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from registry.admin import bp
from registry.admin.forms import (AgencyForm, CommuneForm, CommuneListForm, DistrictForm,
                                  PlanFileForm, PlanTaskForm, ResourceForm, code_taken)
from registry.forms import VersionForm
from registry.formatting import short_date
from registry.web import paginate, run_service
from registry.extensions import db
from registry.models import Agency, Commune, District, GeneticResource, PlanTask, Target, User
from registry.models.reference import FORMER_PROVINCES, PROVINCE_MERGED_ON
from registry.services import places, plan_reports
from registry.services.errors import ValidationFailed
from registry.services import plans
from registry.services.plans import counted_plan
from registry.services.text import fold, like_pattern, search_terms


# Reference data. No workflow rule is involved: the views write the rows themselves.

def _save_reference_row(form, row, saved_message: str, list_endpoint: str, list_title: str,
                        heading: str):
    """Validate `form`, write it onto `row` and commit; the code must be unique."""
    def again(status: int):
        return render_template("admin/reference_form.html", form=form, row=row, heading=heading,
                               list_endpoint=list_endpoint, list_title=list_title), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    if "code" in form and code_taken(type(row), form.code.data, row.id):
        form.code.errors = [_("Another row already uses this code.")]
        return again(422)
    form.populate_obj(row)
    if getattr(row, "sort_order", 0) is None:
        row.sort_order = 0
    # A row with the same code saved meanwhile is a conflict (409).
    refused = run_service(form, lambda: db.session.add(row)).status
    if refused:
        return again(refused)
    flash(saved_message, "success")
    return redirect(url_for(list_endpoint))


# The communes and wards since 01/07/2025: dated rows, corrected here one by one or loaded as a
# list (the next reorganisation) by registry.services.places.

@bp.route("/communes")
def communes():
    province = request.args.get("former_province", "")
    q = request.args.get("q", "").strip()
    query = db.select(Commune).order_by(Commune.former_province, Commune.code)
    if province in FORMER_PROVINCES:
        query = query.where(Commune.former_province == province)
    for term in search_terms(q):  # accent-free: "pho hien" finds Phường Phố Hiến
        query = query.where(Commune.search_name.like(like_pattern(term), escape="\\"))
    return render_template("admin/communes.html", page=paginate(query), q=q, province=province,
                           provinces=FORMER_PROVINCES)


@bp.route("/communes/<int:commune_id>", methods=["GET", "POST"])
def edit_commune(commune_id: int):
    commune = db.get_or_404(Commune, commune_id)
    form = CommuneForm(commune=commune)

    def again(status: int):
        return render_template("admin/commune_form.html", form=form, commune=commune), status

    def save():
        commune.name_vi = form.name_vi.data
        commune.name_en = form.english_name()
        commune.search_name = fold(commune.name_vi)
        commune.valid_until = form.valid_until.data

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    refused = run_service(form, save).status
    if refused:
        return again(refused)
    flash(_("%(name)s (%(code)s) has been saved.", name=commune.name_vi, code=commune.code), "success")
    return redirect(url_for("admin.communes"))


def _load_list(stream, replace: bool) -> places.LoadResult:
    try:
        rows = places.read_uploaded_list(stream)
    except csv.Error:  # a malformed CSV, such as a cell longer than the reader takes
        message = _("The file cannot be read as a CSV list.")
        raise ValidationFailed(message, {"file": [message]}) from None
    if not rows:  # a header and nothing else
        raise ValidationFailed(_("The file has no rows."), {"file": [_("The file has no rows.")]})
    return places.load_communes(rows, replace=replace)


@bp.route("/communes/import", methods=["GET", "POST"])
def import_communes():
    form = CommuneListForm()
    problems: list[str] = []

    def again(status: int):
        return render_template("admin/communes_import.html", form=form, problems=problems), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    outcome = run_service(form, lambda: _load_list(form.file.data.stream, form.replace.data))
    if outcome.refused:
        # Every line's problem at the top of the page; the field says where to start again.
        problems = list(outcome.error.errors.get("file") or [outcome.error.message])
        form.file.errors = [_("Nothing has been loaded: correct the file and choose it again.")]
        return again(outcome.status)
    result = outcome.result
    flash(_("The list has been loaded: %(added)s added, %(updated)s corrected, %(unchanged)s "
            "unchanged, %(ended)s ended.", added=len(result.added), updated=len(result.updated),
            unchanged=result.unchanged, ended=len(result.ended)), "success")
    return redirect(url_for("admin.communes"))


def former_districts_title() -> str:
    """The districts are those of the former Hưng Yên province, until the day before the merger."""
    return _("Former districts (valid until %(date)s)",
             date=short_date(PROVINCE_MERGED_ON - timedelta(days=1)))


@bp.route("/districts")
def districts():
    query = db.select(District).order_by(District.sort_order, District.name_vi)
    return render_template("admin/districts.html", page=paginate(query), title=former_districts_title())


@bp.route("/districts/new", methods=["GET", "POST"])
def new_district():
    district = District()
    form = DistrictForm()
    return _save_reference_row(form, district, _("The district has been saved."), "admin.districts",
                               former_districts_title(), _("New district"))


@bp.route("/districts/<int:district_id>", methods=["GET", "POST"])
def edit_district(district_id: int):
    district = db.get_or_404(District, district_id)
    form = DistrictForm(obj=district)
    del form.code  # a code is permanent: links, the API and the seed data refer to it
    return _save_reference_row(form, district, _("The district has been saved."), "admin.districts",
                               former_districts_title(), _("District %(code)s", code=district.code))


@bp.route("/resources")
def resources():
    query = db.select(GeneticResource).order_by(GeneticResource.name_vi)
    return render_template("admin/resources.html", page=paginate(query))


@bp.route("/resources/new", methods=["GET", "POST"])
def new_resource():
    resource = GeneticResource()
    form = ResourceForm()
    return _save_reference_row(form, resource, _("The genetic resource has been saved."),
                               "admin.resources", _("Genetic resources"), _("New genetic resource"))


@bp.route("/resources/<int:resource_id>", methods=["GET", "POST"])
def edit_resource(resource_id: int):
    resource = db.get_or_404(GeneticResource, resource_id)
    form = ResourceForm(obj=resource)
    del form.code
    return _save_reference_row(form, resource, _("The genetic resource has been saved."),
                               "admin.resources", _("Genetic resources"),
                               _("Genetic resource %(code)s", code=resource.code))


# Agencies and the plan's tasks: who leads and coordinates what (departments merge and split)

@bp.route("/agencies")
def agencies():
    reporters = dict(db.session.execute(
        db.select(User.agency_id, func.count(User.id)).where(User.role == "agency",
                                                           User.is_active_account.is_(True))
        .group_by(User.agency_id)).all())
    rows = db.session.scalars(db.select(Agency).order_by(Agency.id)).all()
    return render_template("admin/agencies.html", agencies=rows, reporters=reporters)


@bp.route("/agencies/new", methods=["GET", "POST"])
def new_agency():
    form = AgencyForm()
    form.set_successors(None)
    return _save_reference_row(form, Agency(), _("The agency has been saved."),
                               "admin.agencies", _("Agencies"), _("New agency"))


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
def edit_agency(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    form = AgencyForm(obj=agency)
    form.set_successors(agency)
    del form.code  # reports, reminders and the seed data refer to it
    return _save_reference_row(form, agency, _("The agency has been saved."), "admin.agencies",
                               _("Agencies"), _("Agency %(code)s", code=agency.code))


@bp.route("/plan-tasks")
def plan_tasks():
    return render_template("admin/plan_tasks.html", tasks=plan_reports.plan_tasks(),
                           plan=counted_plan())


@bp.route("/plan-tasks/<int:task_id>", methods=["GET", "POST"])
def edit_plan_task(task_id: int):
    task = db.get_or_404(PlanTask, task_id)
    form = PlanTaskForm(obj=task, data={
        "lead": [a.id for a in task.lead_agencies],
        "coordinating": [a.id for a in task.coordinating_agencies]})
    choices = [(agency.id, agency.name_today) for agency in db.session.scalars(
        db.select(Agency).where(Agency.kind != "commune_committee").order_by(Agency.id))]
    form.lead.choices = choices
    form.coordinating.choices = [choice for choice in choices
                                 if choice[0] != plan_reports.every_agency_id()]

    def again(status: int):
        return render_template("admin/plan_task_form.html", form=form, task=task), status

    if form.validate_on_submit():
        texts = {name: form[name].data for name in (
            "title_vi", "title_en", "coordination_vi", "coordination_en", "timeframe_vi",
            "timeframe_en")}
        refused = run_service(form, lambda: plan_reports.save_task(
            task, current_user._get_current_object(), texts=texts, lead_ids=form.lead.data,
            coordinating_ids=form.coordinating.data)).status
        if refused:
            return again(refused)
        flash(_("Task %(code)s has been saved.", code=task.code), "success")
        return redirect(url_for("admin.plan_tasks"))
    return again(422 if form.errors else 200)


# Plans ---------------------------------------------------------------------------------------

def _render_plans(form: PlanFileForm, status: int = 200, problems=()):
    rows = []
    for plan in plans.all_plans():
        counts = {name: db.session.scalar(db.select(func.count(model.id)).where(model.plan_id == plan.id))
                  for name, model in (("tasks", PlanTask), ("targets", Target))}
        rows.append((plan, counts))
    return render_template("admin/plans.html", rows=rows, form=form, problems=problems,
                           choose_form=VersionForm(formdata=None)), status


@bp.get("/plans")
def plans_page():
    return _render_plans(PlanFileForm(formdata=None))


@bp.post("/plans")
def load_plan():
    """Load a plan from a JSON file beside the others; the counted plan stays the counted one."""
    form = PlanFileForm()
    if not form.validate_on_submit():
        return _render_plans(form, 422)
    content = form.file.data.stream.read(plans.MAX_PLAN_FILE_BYTES + 1)
    outcome = run_service(form, lambda: plans.load_plan(plans.read_plan_file(content)))
    if outcome.refused:
        errors = outcome.error.errors
        problems = [f"{where}: {'; '.join(messages)}" for where, messages in errors.items()]
        form.file.errors = [_("Nothing has been loaded: correct the file and choose it again.")]
        return _render_plans(form, outcome.status, problems)
    added = outcome.result.added
    flash(_("The plan %(code)s has been loaded: %(tasks)s tasks, %(targets)s targets and %(agencies)s "
            "agencies added.", code=outcome.result.plan.code, tasks=added["tasks"],
            targets=added["targets"], agencies=added["agencies"]), "success")
    return redirect(url_for("admin.plans_page"))


@bp.post("/plans/<int:plan_id>/count")
def count_plan(plan_id: int):
    """The plan the progress page, the targets API, the agencies' reports and the annual report
    follow from now on."""
    form = VersionForm()
    if form.validate_on_submit():
        outcome = run_service(form, lambda: plans.set_counted_plan(plan_id))
        if not outcome.refused:
            flash(_("The registry now follows %(plan)s.", plan=outcome.result.short_name), "success")
    return redirect(url_for("admin.plans_page"))


@bp.get("/plans/seed.json")
def plan_seed_file():
    """The 2023 plan as a file: the form a new plan's file takes."""
    body = json.dumps(plans.seed_plan_data(), ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="ke-hoach-2023.json"'})
