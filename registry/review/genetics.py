"""The department's tools for a genetic resource: censuses, the FAO risk category, DNA barcode
records and FASTA import. Staff only, through the review blueprint's `require_staff`. The rules
are in `registry.services.genetics`; views load, read the form, call one service and commit."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.forms import CensusForm
from registry.models import BarcodeRecord, Census, GeneticResource
from registry.models.genetics import MARKER_LABELS
from registry.models.reference import RISK_STATUSES
from registry.review import bp
from registry.review.forms import BarcodeForm, ImportForm, RiskForm
from registry.services import genetics
from registry.web import paginate, run_service

RECENT_CENSUSES = 10
MAX_FASTA_BYTES = 5 * 1024 * 1024


# Helpers -------------------------------------------------------------------------------------

def _actor():
    return current_user._get_current_object()


def _load(code: str) -> GeneticResource:
    return db.first_or_404(db.select(GeneticResource).filter_by(code=code))


def _render(resource: GeneticResource, status: int = 200, **forms):
    """The resource's tools page; `forms` replaces blank forms by posted ones (with errors)."""
    latest = genetics.latest_census(resource)
    proposed = genetics.proposed_risk(resource)
    censuses = db.session.scalars(
        db.select(Census).where(Census.resource_id == resource.id)
        .options(joinedload(Census.entered_by))
        .order_by(Census.counted_on.desc(), Census.id.desc()).limit(RECENT_CENSUSES)).all()
    barcodes = paginate(db.select(BarcodeRecord).where(BarcodeRecord.resource_id == resource.id)
                        .order_by(BarcodeRecord.created_at.desc(), BarcodeRecord.id.desc()))
    risk_form = forms.get("risk_form") or RiskForm(
        formdata=None, data={"risk_status": proposed or resource.risk_status})
    return render_template(
        "review/resource_tools.html",
        resource=resource, latest=latest, proposed=proposed,
        proposed_label=RISK_STATUSES.get(proposed) if proposed else None,
        censuses=censuses, barcodes=barcodes, marker_labels=MARKER_LABELS,
        census_form=forms.get("census_form") or CensusForm(formdata=None),
        barcode_form=forms.get("barcode_form") or BarcodeForm(formdata=None),
        import_form=forms.get("import_form") or ImportForm(formdata=None),
        risk_form=risk_form, can_confirm=resource.can_confirm_risk(_actor()),
    ), status


def _refused(resource: GeneticResource, form_name: str, form, status: int):
    """The tools page again, the refused form as it was typed."""
    return _render(_load(resource.code), status, **{form_name: form})


def _done(resource: GeneticResource, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("review.resource_tools", code=resource.code, _anchor=anchor))


def _fasta_text(form: ImportForm) -> str | None:
    """The uploaded file's text, else the pasted text; None (with an error on the form) when
    the upload is not UTF-8 text."""
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        data = upload.stream.read(MAX_FASTA_BYTES + 1)
        if len(data) > MAX_FASTA_BYTES:
            form.file.errors = [_("The file is larger than %(size)s MB.", size=MAX_FASTA_BYTES // 2**20)]
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            form.file.errors = [_("The file is not a text file.")]
            return None
        return text
    return form.text.data or ""


# Routes --------------------------------------------------------------------------------------

@bp.get("/resources/<code>")
def resource_tools(code: str):
    return _render(_load(code))


@bp.post("/resources/<code>/census")
def add_census(code: str):
    resource = _load(code)
    form = CensusForm()
    if not form.validate():
        return _render(resource, 422, census_form=form)
    outcome = run_service(form, lambda: genetics.add_census(
        resource, _actor(), counted_on=form.counted_on.data, locality=form.locality.data or "",
        breeding_females=form.breeding_females.data, breeding_males=form.breeding_males.data,
        individuals=form.individuals.data, note=form.note.data or ""))
    if outcome.refused:
        return _refused(resource, "census_form", form, outcome.status)
    return _done(resource, _("The census is recorded."), "census")


@bp.post("/resources/<code>/barcodes")
def add_barcode(code: str):
    resource = _load(code)
    form = BarcodeForm()
    if not form.validate():
        return _render(resource, 422, barcode_form=form)
    raw = {name: form[name].data for name in ("sample_id", "marker", "sequence", "genbank_accession",
                                              "collected_on", "locality", "latitude", "longitude", "lab")}
    outcome = run_service(form, lambda: genetics.add_barcode(resource, _actor(), raw))
    if outcome.refused:
        return _refused(resource, "barcode_form", form, outcome.status)
    record, warnings = outcome.result
    for warning in warnings:
        flash(warning, "warning")
    return _done(resource, _("The barcode record %(sample)s is saved.", sample=record.sample_id),
                 "barcodes")


@bp.post("/resources/<code>/barcodes/import")
def import_fasta(code: str):
    resource = _load(code)
    form = ImportForm()
    if not form.validate():
        return _render(resource, 422, import_form=form)
    text = _fasta_text(form)
    if text is None:
        return _render(resource, 422, import_form=form)
    outcome = run_service(form, lambda: genetics.import_fasta(
        resource, _actor(), text, form.marker.data or "", form.lab.data or ""))
    if outcome.refused:
        return _refused(resource, "import_form", form, outcome.status)
    report = outcome.result
    accepted = sum(1 for line in report if line.accepted)
    return render_template("review/resource_import.html", resource=resource, report=report,
                           accepted=accepted, rejected=len(report) - accepted)


@bp.post("/resources/<code>/risk")
def confirm_risk(code: str):
    resource = _load(code)
    if not resource.can_confirm_risk(_actor()):
        abort(403)
    form = RiskForm()
    if not form.validate():
        return _render(resource, 422, risk_form=form)
    outcome = run_service(form, lambda: genetics.confirm_risk(resource, _actor(),
                                                              form.risk_status.data or ""))
    if outcome.refused:
        return _refused(resource, "risk_form", form, outcome.status)
    return _done(resource, _("The risk status is now %(status)s.", status=resource.risk_label), "risk")
