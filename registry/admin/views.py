"""Views of the admin area: users and roles, the outbox, districts and genetic resources, the
plan's targets and the figures admins enter for them, and the awards proposed in the annual report.
Every route is for administrators only (the blueprint's `before_request`)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_
from sqlalchemy.orm import defer, selectinload
from wtforms import SelectChoice

from registry.admin import bp
from registry.admin.forms import (AgencyForm, AwardForm, DistrictForm, EditUserForm,
                                  IndicatorValueForm, NewUserForm, PlanTaskForm, PvpYearCountForm,
                                  ResourceForm, TargetForm)
from registry.formatting import figure, short_date
from registry.web import paginate, run_service, year_arg
from registry.extensions import db, login_manager
from registry.models import (Agency, AwardProposal, District, GeneticResource, IndicatorValue,
                             Organization, OutboxMessage, PlanTask, PvpYearCount, Target,
                             TargetRevision, User)
from registry.models.accounts import ROLES
from registry.models.base import province_today
from registry.models.reference import TARGET_UNITS
from registry.services import accounts, plan_reports
from registry.services import targets as progress
from registry.services.text import like_pattern


@bp.before_request
def require_admin():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # to the login page, coming back here after
    if not current_user.is_admin:
        abort(403)
    return None


@bp.route("/")
def index():
    by_role = dict(db.session.execute(
        db.select(User.role, func.count(User.id)).group_by(User.role)).all())
    role_counts = [(code, label, by_role.get(code, 0)) for code, label in ROLES.items()]
    unsent = db.session.scalar(
        db.select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None)))
    return render_template("admin/index.html", role_counts=role_counts,
                           total_users=sum(by_role.values()), unsent=unsent)


# Users and roles

@bp.route("/users")
def users():
    role = request.args.get("role", "")
    q = request.args.get("q", "").strip()
    query = (db.select(User).options(selectinload(User.organization))
             .order_by(User.created_at.desc(), User.id.desc()))
    if role in ROLES:
        query = query.where(User.role == role)
    for term in q.split()[:10]:
        pattern = like_pattern(term)
        query = query.where(or_(User.email.ilike(pattern, escape="\\"),
                                User.full_name.ilike(pattern, escape="\\")))
    page = paginate(query)
    return render_template("admin/users.html", page=page, role=role, q=q, roles=ROLES)


def _organization_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        db.select(Organization.id, Organization.name).order_by(Organization.name)).all()
    return [SelectChoice("", _("No organisation"))] + [SelectChoice(str(id_), name)
                                                      for id_, name in rows]


def _agency_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No agency"))] + [
        SelectChoice(str(agency.id), agency.name) for agency in plan_reports.reporting_agencies()]


def _chosen(model, field):
    """The row a select field names by id; None for the empty choice. The choices are checked
    by the form, so what is left is digits or blank."""
    value = (field.data or "").strip()
    return db.session.get(model, int(value)) if value.isascii() and value.isdigit() else None


def _chosen_agency(form) -> Agency | None:
    return _chosen(Agency, form.agency)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.organization.choices = _organization_choices()
    form.agency.choices = _agency_choices()
    if form.validate_on_submit():
        organization = _chosen(Organization, form.organization)
        outcome = run_service(form, lambda: accounts.create_user(
            form.email.data, form.password.data, form.role.data,
            full_name=form.full_name.data or "", organization=organization,
            phone=form.phone.data or "", agency=_chosen_agency(form)))
        if outcome.refused:
            return render_template("admin/user_new.html", form=form), outcome.status
        user = outcome.result
        flash(_("The account %(email)s has been created.", email=user.email), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    actor = current_user._get_current_object()
    form = EditUserForm(data={"full_name": user.full_name, "role": user.role,
                              "agency": str(user.agency_id or ""),
                              "active": user.is_active_account})
    form.agency.choices = _agency_choices()

    def again(status: int):
        return render_template("admin/user_edit.html", form=form, user=user), status

    if form.validate_on_submit():
        refused = run_service(form, lambda: accounts.update_account(
            user, actor, full_name=form.full_name.data or "", role=form.role.data,
            active=form.active.data, agency=_chosen_agency(form))).status
        if refused:
            return again(refused)
        flash(_("The account %(email)s has been saved.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return again(422 if form.errors else 200)


# The outbox

@bp.route("/outbox")
def outbox():
    query = (db.select(OutboxMessage).options(defer(OutboxMessage.body))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    return render_template("admin/outbox.html", page=paginate(query))


@bp.route("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message)


# Reference data. No workflow rule is involved: the views write the rows themselves.

def _code_taken(model, code: str, exclude_id: int | None = None) -> bool:
    query = db.select(model.id).where(model.code == code)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


def _save_reference_row(form, row, saved_message: str, list_endpoint: str, list_title: str,
                        heading: str):
    """Validate `form`, write it onto `row` and commit; the code must be unique."""
    def again(status: int):
        return render_template("admin/reference_form.html", form=form, row=row, heading=heading,
                               list_endpoint=list_endpoint, list_title=list_title), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    if "code" in form and _code_taken(type(row), form.code.data, row.id):
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


@bp.route("/districts")
def districts():
    query = db.select(District).order_by(District.sort_order, District.name_vi)
    return render_template("admin/districts.html", page=paginate(query))


@bp.route("/districts/new", methods=["GET", "POST"])
def new_district():
    district = District()
    form = DistrictForm()
    return _save_reference_row(form, district, _("The district has been saved."), "admin.districts",
                               _("Districts"), _("New district"))


@bp.route("/districts/<int:district_id>", methods=["GET", "POST"])
def edit_district(district_id: int):
    district = db.get_or_404(District, district_id)
    form = DistrictForm(obj=district)
    del form.code  # a code is permanent: links, the API and the seed data refer to it
    return _save_reference_row(form, district, _("The district has been saved."), "admin.districts",
                               _("Districts"), _("District %(code)s", code=district.code))


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


# The plan's targets and the figures admins enter for them

def _target_values(form: TargetForm) -> dict:
    return {name: form[name].data for name in progress.TARGET_FIELDS} | {
        "title_en": form.title_en.data or "",
        "sort_order": form.sort_order.data or 0,
    }


def _shown(name: str, value) -> str:
    """A field's value as a revision stored it (JSON: dates as ISO strings)."""
    if value is None or value == "":
        return "—"
    if name in ("window_start", "deadline"):
        return short_date(value)
    if name in ("target_min", "target_max"):
        return figure(value)
    if name == "unit":
        return str(TARGET_UNITS.get(value, value))
    return str(value)


def _revision_rows(revisions, form: TargetForm) -> list[tuple]:
    """Each revision with the fields it changed: (revision, [(label, before, after)])."""
    labels = {name: form[name].label.text for name in progress.TARGET_FIELDS}
    rows = []
    for revision in revisions:
        before, after = revision.before or {}, revision.after or {}
        changes = [(labels[name], _shown(name, before.get(name)), _shown(name, after.get(name)))
                   for name in progress.TARGET_FIELDS if before.get(name) != after.get(name)]
        rows.append((revision, changes))
    return rows


@bp.route("/targets")
def targets():
    return render_template("admin/targets.html", progress=progress.all_progress(province_today()))


@bp.route("/targets/new", methods=["GET", "POST"])
def new_target():
    form = TargetForm()

    def again(status: int):
        return render_template("admin/target_form.html", form=form, target=None), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    if _code_taken(Target, form.code.data):
        form.code.errors = [_("Another target already uses this code.")]
        return again(422)
    # What admins add is a figure they enter year by year; the registry counts only its own.
    target = Target(code=form.code.data, measure="indicator")
    refused = run_service(form, lambda: progress.save_target(
        target, current_user._get_current_object(), _target_values(form))).status
    if refused:  # 409: the same code saved meanwhile
        return again(refused)
    flash(_("The target %(code)s has been added.", code=target.code), "success")
    return redirect(url_for("admin.targets"))


@bp.route("/targets/<int:target_id>", methods=["GET", "POST"])
def edit_target(target_id: int):
    target = db.get_or_404(Target, target_id)
    form = TargetForm(obj=target)
    del form.code  # permanent: the API, the public pages and the seed data refer to it

    def again(status: int):
        revisions = paginate(
            db.select(TargetRevision).where(TargetRevision.target_id == target.id)
            .options(selectinload(TargetRevision.changed_by))
            .order_by(TargetRevision.changed_at.desc(), TargetRevision.id.desc()))
        return render_template("admin/target_form.html", form=form, target=target,
                               revisions=revisions, changes=_revision_rows(revisions.items, form)), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    refused = run_service(form, lambda: progress.save_target(
        target, current_user._get_current_object(), _target_values(form))).status
    if refused:
        return again(refused)
    flash(_("The target %(code)s has been saved.", code=target.code), "success")
    return redirect(url_for("admin.targets"))


@bp.route("/targets/<int:target_id>/values", methods=["GET", "POST"])
def target_values(target_id: int):
    target = db.get_or_404(Target, target_id)
    counted = target.measure != "indicator"
    form = IndicatorValueForm()

    def again(status: int):
        today = province_today()
        values = None if counted else paginate(
            db.select(IndicatorValue).where(IndicatorValue.target_id == target.id)
            .options(selectinload(IndicatorValue.entered_by))
            .order_by(IndicatorValue.entered_at.desc(), IndicatorValue.id.desc()))
        in_force = None if counted else progress.latest_indicator(target, today)
        return render_template(
            "admin/target_values.html", target=target, counted=counted, form=form, values=values,
            in_force_id=in_force.id if in_force else None,
            current=progress.measure(target, today)), status

    if request.method == "POST" and counted:
        flash(_("The registry counts this target from its own records; no figures can be "
                "entered for it."), "error")
        return again(409)
    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    refused = run_service(form, lambda: progress.record_indicator(
        target, current_user._get_current_object(), form.year.data, form.value.data,
        form.source.data, form.reported_on.data)).status
    if refused:
        return again(refused)
    flash(_("The figure for %(year)s has been recorded.", year=form.year.data), "success")
    return redirect(url_for("admin.target_values", target_id=target.id))


@bp.route("/pvp-counts", methods=["GET", "POST"])
def pvp_counts():
    form = PvpYearCountForm()

    def again(status: int):
        today = province_today()
        counts = paginate(
            db.select(PvpYearCount).options(selectinload(PvpYearCount.entered_by))
            .order_by(PvpYearCount.entered_at.desc(), PvpYearCount.id.desc()))
        # The newest figure of each year stands for that year.
        in_force = set(db.session.scalars(
            db.select(func.max(PvpYearCount.id)).group_by(PvpYearCount.year)))
        target = db.session.scalar(db.select(Target).where(Target.measure == "pvp_growth")
                                   .order_by(Target.id).limit(1))
        growth = progress.pvp_growth(today, target.deadline) if target else None
        return render_template("admin/pvp_counts.html", form=form, counts=counts,
                               in_force=in_force, target=target, growth=growth), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    refused = run_service(form, lambda: progress.record_pvp_year(
        current_user._get_current_object(), form.year.data, form.filings.data, form.source.data)).status
    if refused:
        return again(refused)
    flash(_("The filings of %(year)s have been recorded.", year=form.year.data), "success")
    return redirect(url_for("admin.pvp_counts"))


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
    return _save_reference_row(AgencyForm(), Agency(), _("The agency has been saved."),
                               "admin.agencies", _("Agencies"), _("New agency"))


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
def edit_agency(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    form = AgencyForm(obj=agency)
    del form.code  # reports, reminders and the seed data refer to it
    return _save_reference_row(form, agency, _("The agency has been saved."), "admin.agencies",
                               _("Agencies"), _("Agency %(code)s", code=agency.code))


@bp.route("/plan-tasks")
def plan_tasks():
    return render_template("admin/plan_tasks.html", tasks=plan_reports.plan_tasks())


@bp.route("/plan-tasks/<int:task_id>", methods=["GET", "POST"])
def edit_plan_task(task_id: int):
    task = db.get_or_404(PlanTask, task_id)
    form = PlanTaskForm(obj=task, data={
        "lead": [a.id for a in task.lead_agencies],
        "coordinating": [a.id for a in task.coordinating_agencies]})
    choices = [(agency.id, agency.name) for agency in db.session.scalars(db.select(Agency).order_by(Agency.id))]
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


# Award proposals (khen thưởng) for the annual report

def _award_form_choices(form: AwardForm) -> AwardForm:
    form.organization.choices = _organization_choices()
    return form


def _save_award(award: AwardProposal | None, form: AwardForm):
    organization = _chosen(Organization, form.organization)
    return plan_reports.save_award(
        award, current_user._get_current_object(), year=form.year.data,
        nominee_kind=form.nominee_kind.data, nominee_name=form.nominee_name.data or "",
        organization=organization, achievement=form.achievement.data or "",
        award_form=form.award_form.data or "", version=form.version.data)


@bp.route("/awards", methods=["GET", "POST"])
def awards():
    year = year_arg(plan_reports.report_years(), province_today().year)
    form = _award_form_choices(AwardForm(data={"year": year}))

    def again(status: int):
        return render_template("admin/awards.html", form=form, year=year,
                               years=plan_reports.report_years(),
                               awards=plan_reports.awards_of_year(year)), status

    if form.validate_on_submit():
        refused = run_service(form, lambda: _save_award(None, form)).status
        if refused:
            return again(refused)
        flash(_("The award proposal has been added."), "success")
        return redirect(url_for("admin.awards", year=form.year.data))
    return again(422 if form.errors else 200)


@bp.route("/awards/<int:award_id>", methods=["GET", "POST"])
def edit_award(award_id: int):
    award = db.get_or_404(AwardProposal, award_id)
    form = _award_form_choices(AwardForm(obj=award))
    if not form.is_submitted():
        form.organization.data = str(award.organization_id or "")

    def again(status: int):
        return render_template("admin/award_form.html", form=form, award=award), status

    if form.validate_on_submit():
        refused = run_service(form, lambda: _save_award(award, form)).status
        if refused:
            return again(refused)
        flash(_("The award proposal has been saved."), "success")
        return redirect(url_for("admin.awards", year=award.year))
    return again(422 if form.errors else 200)


@bp.post("/awards/<int:award_id>/delete")
def delete_award(award_id: int):
    award = db.get_or_404(AwardProposal, award_id)
    year = award.year
    # CSRFProtect has checked the token; the service checks the version.
    refused = run_service(FlaskForm(), lambda: plan_reports.delete_award(
        award, current_user._get_current_object(), request.form.get("version"))).status
    if not refused:
        flash(_("The award proposal has been removed."), "success")
    return redirect(url_for("admin.awards", year=year))
