"""The plan's targets and the figures administrators enter for them."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from registry.admin import bp
from registry.admin.forms import (IndicatorValueForm, PvpYearCountForm, TargetForm, finite_figure)
from registry.forms import LocalizedDecimalField
from registry.formatting import figure, short_date
from registry.web import paginate, run_service
from registry.extensions import db
from registry.models import IndicatorValue, PvpYearCount, Target, TargetRevision
from registry.models.base import province_today
from registry.models.reference import TARGET_SET_BY, TARGET_UNITS
from registry.services import plans as plan_service
from registry.services import targets as progress


# The plan's targets and the figures admins enter for them

class UnsetTargetForm(TargetForm):
    """A target whose number the plan does not set: the department's number, or none (the
    figure is then followed as a registry indicator)."""

    target_min = LocalizedDecimalField(
        _l("Minimum"), validators=[Optional(), finite_figure],
        description=_l("The plan sets no number here: a figure given is the department's target; "
                       "left empty, the registry follows the figure as an indicator without a "
                       "target."))


class NewTargetForm(TargetForm):
    plan = SelectField(_l("Plan"), coerce=int, validate_choice=False, validators=[Optional()],
                       description=_l("The plan the target belongs to."))


def _target_values(form: TargetForm) -> dict:
    return {name: form[name].data for name in progress.TARGET_FIELDS} | {
        "title_en": form.title_en.data or "",
        "sort_order": form.sort_order.data or 0,
    }


def _code_taken(plan_id: int, code: str) -> bool:
    """Codes are unique within a plan: a later plan may have its own `supported_projects`."""
    return db.session.scalar(db.select(Target.id).where(Target.plan_id == plan_id,
                                                        Target.code == code)) is not None


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
    if name == "target_set_by":
        return str(TARGET_SET_BY.get(value, value))
    return str(value)


def _revision_rows(revisions, form: TargetForm) -> list[tuple]:
    """Each revision with the fields it changed: (revision, [(label, before, after)])."""
    labels = {name: form[name].label.text for name in progress.TARGET_FIELDS}
    labels["target_set_by"] = _("Who set the target")
    rows = []
    for revision in revisions:
        before, after = revision.before or {}, revision.after or {}
        # A revision from before `target_set_by` was kept has it on neither side.
        changes = [(labels[name], _shown(name, before.get(name)), _shown(name, after.get(name)))
                   for name in progress.HISTORY_FIELDS
                   if before.get(name) != after.get(name) and (name in before or name in after)]
        rows.append((revision, changes))
    return rows


@bp.route("/targets")
def targets():
    plan, errors = progress.parse_plan(request.args)
    if errors:
        flash(progress.unknown_plan_notice(), "warning")
    return render_template("admin/targets.html", plan=plan, plans=plan_service.all_plans(),
                           progress=progress.all_progress(province_today(), plan))


@bp.route("/targets/new", methods=["GET", "POST"])
def new_target():
    form = NewTargetForm()
    plans = plan_service.all_plans()
    counted = plan_service.counted_plan()
    form.plan.choices = [SelectChoice(plan.id, f"{plan.short_name} · {plan.area}") for plan in plans]
    if request.method == "GET" and counted is not None:
        form.plan.data = counted.id

    def again(status: int):
        return render_template("admin/target_form.html", form=form, target=None,
                               choosing_plan=len(plans) > 1), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    plan = next((p for p in plans if p.id == form.plan.data), None) if form.plan.data else counted
    if plan is None:
        form.plan.errors = [_("Choose one of the plans.")]
        return again(422)
    if _code_taken(plan.id, form.code.data):
        form.code.errors = [_("Another target already uses this code.")]
        return again(422)
    # What admins add is a figure they enter year by year; the registry counts only its own.
    target = Target(code=form.code.data, measure="indicator", plan=plan)
    refused = run_service(form, lambda: progress.save_target(
        target, current_user._get_current_object(), _target_values(form))).status
    if refused:  # 409: the same code saved meanwhile
        return again(refused)
    flash(_("The target %(code)s has been added.", code=target.code), "success")
    return redirect(url_for("admin.targets"))


@bp.route("/targets/<int:target_id>", methods=["GET", "POST"])
def edit_target(target_id: int):
    target = db.get_or_404(Target, target_id)
    # A number the plan sets can be corrected, not removed; where it sets none, it is optional.
    form = (TargetForm if target.target_set_by == "plan" else UnsetTargetForm)(obj=target)
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
        # The counted plan's plant-variety target.
        target = next((t for t in progress.targets_of(None) if t.measure == "pvp_growth"), None)
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
