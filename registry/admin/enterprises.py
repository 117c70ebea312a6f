"""The register of bio-industry enterprises: the enterprises, their yearly figures and the province's
import baseline, with the plan's measures computed from them (administrators only, as the whole
admin area)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from registry.admin import bp
from registry.admin.enterprise_forms import EnterpriseForm, ImportBaselineForm, YearFigureForm
from registry.admin.forms import chosen
from registry.extensions import db
from registry.formatting import money
from registry.models import BiotechEnterprise, Commune, EnterpriseYearFigure, ImportBaseline, Organization
from registry.models.base import province_today
from registry.services import enterprises as register
from registry.web import paginate, run_service


def _enterprise_values(form: EnterpriseForm) -> dict:
    code = (form.commune.data or "").strip()
    commune = db.session.scalar(db.select(Commune).filter_by(code=code)) if code else None
    return {"name": form.name.data or "", "tax_code": form.tax_code.data or "", "field": form.field.data or "",
            "commune": commune, "organization": chosen(Organization, form.organization),
            "in_register_since": form.in_register_since.data, "notes": form.notes.data or ""}


@bp.route("/enterprises")
def enterprises():
    q = (request.args.get("q") or "")[:200]
    page = paginate(register.search_enterprises(q).options(selectinload(BiotechEnterprise.commune)))
    today = province_today()
    latest = register.latest_figures([e.id for e in page.items], today) if page.items else {}
    return render_template("admin/enterprises.html", page=page, q=q, latest=latest,
                           measures=register.measures(today), baseline=register.baseline_as_of(today),
                           base_year=register.BASE_YEAR)


@bp.route("/enterprises/new", methods=["GET", "POST"])
def new_enterprise():
    form = EnterpriseForm(data={"in_register_since": province_today()})

    def again(status: int):
        return render_template("admin/enterprise_form.html", form=form, enterprise=None), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    outcome = run_service(form, lambda: register.create_enterprise(
        current_user._get_current_object(), **_enterprise_values(form)))
    if outcome.refused:
        return again(outcome.status)
    flash(_("%(name)s has been added to the register. Enter its figures for %(year)s, the base year.",
            name=outcome.result.name, year=register.BASE_YEAR), "success")
    return redirect(url_for("admin.enterprise", enterprise_id=outcome.result.id))


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
def edit_enterprise(enterprise_id: int):
    enterprise = db.get_or_404(BiotechEnterprise, enterprise_id)
    form = EnterpriseForm(enterprise=enterprise)

    def again(status: int):
        return render_template("admin/enterprise_form.html", form=form, enterprise=enterprise), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    refused = run_service(form, lambda: register.update_enterprise(
        enterprise, current_user._get_current_object(), version=form.version.data,
        **_enterprise_values(form)), record=enterprise).status
    if refused:
        return again(refused)
    flash(_("%(name)s has been saved.", name=enterprise.name), "success")
    return redirect(url_for("admin.enterprise", enterprise_id=enterprise.id))


@bp.route("/enterprises/<int:enterprise_id>", methods=["GET", "POST"], endpoint="enterprise")
def show_enterprise(enterprise_id: int):
    enterprise = db.get_or_404(BiotechEnterprise, enterprise_id)
    form = YearFigureForm()

    def again(status: int):
        today = province_today()
        figures = paginate(
            db.select(EnterpriseYearFigure).where(EnterpriseYearFigure.enterprise_id == enterprise.id)
            .options(selectinload(EnterpriseYearFigure.entered_by))
            .order_by(EnterpriseYearFigure.entered_at.desc(), EnterpriseYearFigure.id.desc()))
        standing = register.standing_figures(enterprise, today)
        return render_template("admin/enterprise.html", enterprise=enterprise, form=form, figures=figures,
                               in_force={figure.id for figure in standing.values()},
                               standing_years=set(standing), base_year=register.BASE_YEAR), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    outcome = run_service(form, lambda: register.record_year_figure(
        enterprise, current_user._get_current_object(), year=form.year.data,
        investment_vnd=form.investment_vnd.data, revenue_vnd=form.revenue_vnd.data,
        import_replacing_revenue_vnd=form.import_replacing_revenue_vnd.data,
        source=form.source.data or "", reported_on=form.reported_on.data))
    if outcome.refused:
        return again(outcome.status)
    figure = outcome.result
    replacing = (money(figure.import_replacing_revenue_vnd) if figure.import_replacing_revenue_vnd is not None
                 else _("not stated"))
    flash(_("The figures for %(year)s have been recorded: investment capital %(investment)s, revenue "
            "%(revenue)s, from products replacing imports %(replacing)s.", year=figure.year,
            investment=money(figure.investment_vnd), revenue=money(figure.revenue_vnd),
            replacing=replacing), "success")
    return redirect(url_for("admin.enterprise", enterprise_id=enterprise.id))


@bp.route("/enterprises/import-baseline", methods=["GET", "POST"])
def import_baseline():
    form = ImportBaselineForm()

    def again(status: int):
        today = province_today()
        baselines = paginate(
            db.select(ImportBaseline).options(selectinload(ImportBaseline.entered_by))
            .order_by(ImportBaseline.entered_at.desc(), ImportBaseline.id.desc()))
        standing = register.baseline_as_of(today)
        return render_template("admin/import_baseline.html", form=form, baselines=baselines,
                               in_force=[standing.id] if standing else [],
                               substitution=register.import_substitution(today),
                               base_year=register.BASE_YEAR), status

    if not form.validate_on_submit():
        return again(422 if form.errors else 200)
    outcome = run_service(form, lambda: register.record_import_baseline(
        current_user._get_current_object(), value_vnd=form.value_vnd.data, source=form.source.data or "",
        reported_on=form.reported_on.data))
    if outcome.refused:
        return again(outcome.status)
    flash(_("The value imported in %(year)s has been recorded: %(value)s.", year=register.BASE_YEAR,
            value=money(outcome.result.value_vnd)), "success")
    return redirect(url_for("admin.import_baseline"))
