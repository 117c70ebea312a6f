"""The plan's targets and the figures administrators enter for them."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from registry.admin import bp
from registry.admin.forms import IndicatorValueForm, PvpYearCountForm, TargetForm, code_taken
from registry.formatting import figure, short_date
from registry.web import paginate, run_service
from registry.extensions import db
from registry.models import IndicatorValue, PvpYearCount, Target, TargetRevision
from registry.models.base import province_today
from registry.models.reference import TARGET_UNITS
from registry.services import targets as progress


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
    if code_taken(Target, form.code.data):
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
