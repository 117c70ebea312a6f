"""Award proposals (khen thưởng) for the annual report."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from registry.admin import bp
from registry.admin.forms import AwardForm, chosen, organization_choices
from registry.web import run_service, year_arg
from registry.extensions import db
from registry.models import AwardProposal, Organization
from registry.models.base import province_today
from registry.services import plan_reports


# Award proposals (khen thưởng) for the annual report

def _award_form_choices(form: AwardForm) -> AwardForm:
    form.organization.choices = organization_choices()
    return form


def _save_award(award: AwardProposal | None, form: AwardForm):
    organization = chosen(Organization, form.organization)
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
