"""Views of the public area: the home page, the catalogue of approved records, record and
organisation pages, progress against the plan's targets, downloads and the language switch.

Only approved records are public, and only through allow-lists: `presenters.field_rows(...,
public=True)` for an application's fields and `_public_organization` for its organisation.
Every page runs a fixed number of queries, whatever the number of records.
"""
import re
from datetime import date

import sqlalchemy as sa
from flask import (
    Response, abort, current_app, redirect, render_template, request, send_file,
    stream_with_context, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from registry.services.records import APPROVAL_YEAR, APPROVED, RecordFilters, newest_first
from registry.web import page_number, paginate, safe_next
from registry.extensions import db
from registry.i18n import LANGUAGE_COOKIE
from registry.models import (
    AgencyReportAttachment, Application, Attachment, BarcodeRecord, Census, District, GeneticResource, Organization,
)
from registry.formatting import short_date
from registry.models.applications import FIELDS, KINDS, PRODUCT_TYPES
from registry.models.base import province_today
from registry.models.genetics import MARKER_LABELS, MARKERS
from registry.presenters import field_rows
from registry.public import bp
from registry.services import attachments as attachment_service
from registry.services import plan_reports
from registry.services import targets as target_service
from registry.services.genetics import fasta_lines

LATEST_ON_HOME = 6
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
PUBLIC_CODE = re.compile(r"[A-Z0-9-]{1,20}")
RESOURCE_CODE = re.compile(r"[a-z0-9_]{1,40}")
SAMPLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# At most this many other records with the same sequence are listed on a barcode page.
DUPLICATES_SHOWN = 50
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The plan's baseline year: nothing is counted before it.
FIRST_AS_OF = date(2023, 1, 1)


def _listing_options():
    """What a record in a list shows besides its own columns, loaded with it."""
    return (
        joinedload(Application.organization),
        joinedload(Application.district),
    )



def _public_organization(organization: Organization) -> dict:
    """The allow-list of an organisation's public facts: never its contacts or address."""
    return {
        "id": organization.id,
        "name": organization.name,
        "type": organization.type_label,
        "district": organization.district.name if organization.district else "",
    }


# Home -------------------------------------------------------------------------------------

@bp.get("/")
def home():
    def approved_of(kind: str):
        return sa.func.count(sa.case((Application.kind == kind, 1)))

    counts = db.session.execute(
        sa.select(
            approved_of("project").label("projects"),
            approved_of("startup").label("startups"),
            approved_of("conservation").label("conservation"),
            approved_of("pvp_filing").label("pvp_filings"),
            sa.func.count(sa.distinct(Application.organization_id)).label("organizations"),
        ).where(APPROVED)
    ).one()
    latest = db.session.scalars(
        newest_first(sa.select(Application).where(APPROVED).options(*_listing_options()))
        .limit(LATEST_ON_HOME)
    ).all()
    return render_template("public/home.html", counts=counts, latest=latest)


# Catalogue --------------------------------------------------------------------------------

def _facet_counts(column, filters: RecordFilters, facet: str) -> dict:
    """value -> number of records, under every active filter but the facet's own."""
    rows = db.session.execute(
        sa.select(column, sa.func.count()).where(*filters.conditions(skip=facet)).group_by(column)
    ).all()
    return {value: count for value, count in rows if value is not None}


def _facets(filters: RecordFilters, districts: list[District]) -> list[dict]:
    """The four facets as lists of {value, label, count, current}, in a stable order."""
    kinds = _facet_counts(Application.kind, filters, "kind")
    fields = _facet_counts(Application.field, filters, "field")
    by_district = _facet_counts(Application.district_id, filters, "district")
    # PostgreSQL's EXTRACT returns a numeric; SQLite's an integer.
    years = {int(year): count for year, count in _facet_counts(APPROVAL_YEAR, filters, "year").items()}

    def facet(name, title, options, current):
        return {
            "name": name,
            "title": title,
            "current": current,
            "options": [
                {"value": value, "label": label, "count": count, "current": value == current}
                for value, label, count in options
                if count or value == current
            ],
        }

    return [
        facet("kind", _("Kind"),
              [(code, str(label), kinds.get(code, 0)) for code, label in KINDS.items()],
              filters.kind),
        facet("field", _("Field"),
              [(code, str(label), fields.get(code, 0)) for code, label in FIELDS.items()],
              filters.field),
        facet("district", _("District"),
              [(d.code, d.name, by_district.get(d.id, 0)) for d in districts],
              filters.district.code if filters.district else None),
        facet("year", _("Year of approval"),
              [(year, str(year), years.get(year, 0))
               for year in sorted(set(years) | ({filters.year} if filters.year else set()),
                                  reverse=True)],
              filters.year),
    ]


@bp.get("/records")
def catalogue():
    districts = db.session.scalars(
        sa.select(District).order_by(District.sort_order, District.name_vi)
    ).all()
    filters, _ignored = RecordFilters.from_args(request.args)
    pagination = db.paginate(
        newest_first(
            sa.select(Application).where(*filters.conditions()).options(*_listing_options())
        ),
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "public/catalogue.html",
        filters=filters,
        facets=_facets(filters, districts),
        pagination=pagination,
    )


# Record and organisation pages ------------------------------------------------------------

@bp.get("/records/<code>")
def record(code: str):
    if not PUBLIC_CODE.fullmatch(code):
        abort(404)
    application = db.session.scalar(
        sa.select(Application)
        .where(Application.public_code == code, APPROVED)
        .options(
            joinedload(Application.organization).joinedload(Organization.district),
            joinedload(Application.district),
            joinedload(Application.resource),
            selectinload(Application.attachments),
        )
    )
    if application is None:
        abort(404)
    return render_template(
        "public/record.html",
        application=application,
        rows=field_rows(application, public=True),
        # A filing's progress is its status at the national office, one of its fields.
        implementation=(
            application.implementation_label if application.kind != "pvp_filing" else ""
        ),
        organization=_public_organization(application.organization),
        attachments=[a for a in application.attachments if a.is_public],
    )


@bp.get("/organizations/<int:organization_id>")
def organization(organization_id: int):
    organization = db.get_or_404(
        Organization, organization_id, options=[joinedload(Organization.district)]
    )
    pagination = db.paginate(
        newest_first(
            sa.select(Application)
            .where(APPROVED, Application.organization_id == organization.id)
            .options(*_listing_options())
        ),
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    # An organisation becomes public with its first approved record, not before.
    if not pagination.total:
        abort(404)
    return render_template(
        "public/organization.html",
        organization=_public_organization(organization),
        pagination=pagination,
    )


# Progress against the plan ----------------------------------------------------------------

def parse_as_of(args) -> tuple[date, str | None]:
    """The day a progress page shows (`as_of=YYYY-MM-DD`, default today) and, when the asked
    day could not be used, a notice saying which day is shown instead."""
    today = province_today()
    text = (args.get("as_of") or "").strip()
    if not text:
        return today, None
    try:
        asked = date.fromisoformat(text) if ISO_DAY.fullmatch(text) else None
    except ValueError:
        asked = None
    if asked is None:
        return today, _("The date was not understood, so the figures are as of today.")
    if asked > today:
        return today, _("The date is in the future, so the figures are as of today.")
    if asked < FIRST_AS_OF:
        return FIRST_AS_OF, _("The plan is counted from %(date)s, so the figures are as of that day.",
                              date=short_date(FIRST_AS_OF))
    return asked, None


def progress_overview(as_of: date) -> dict:
    """What the public progress page and the department's dashboard both show: the targets
    and the breakdowns of approved records, as (label, count) rows for the charts."""
    by_year = target_service.approvals_by_year(as_of)
    return {
        "as_of": as_of,
        "first_as_of": FIRST_AS_OF,
        "today": province_today(),
        "progress": target_service.all_progress(as_of),
        "kinds": KINDS,
        "by_year": by_year,
        "year_rows": [(str(year), sum(counts.values())) for year, counts in by_year],
        "field_rows": [
            (str(FIELDS.get(code, code)), count)
            for code, count in target_service.approved_breakdown(Application.field, as_of)
        ],
        "district_rows": [
            (district.name, count) for district, count in target_service.approvals_by_district(as_of)
        ],
        "product_rows": [
            (str(PRODUCT_TYPES.get(code, code)), count)
            for code, count in target_service.approved_breakdown(
                Application.product_type, as_of, kind="project")
        ],
    }


@bp.get("/progress")
def progress():
    as_of, notice = parse_as_of(request.args)
    return render_template("public/progress.html", notice=notice, **progress_overview(as_of))


# Genetic resources and their DNA barcodes -------------------------------------------------

def _resource_or_404(code: str) -> GeneticResource:
    if not RESOURCE_CODE.fullmatch(code):
        abort(404)
    resource = db.session.scalar(sa.select(GeneticResource).where(GeneticResource.code == code))
    if resource is None:
        abort(404)
    return resource


def _counts_by_resource(column, *conditions) -> dict:
    """resource id -> number of rows, in one GROUP BY query."""
    return dict(db.session.execute(
        sa.select(column, sa.func.count()).where(*conditions).group_by(column)
    ).all())


@bp.get("/resources")
def resources():
    resources = db.session.scalars(
        sa.select(GeneticResource).order_by(
            GeneticResource.indigenous.desc(), GeneticResource.name_vi, GeneticResource.id)
    ).all()
    conserved = _counts_by_resource(
        Application.resource_id, APPROVED, Application.kind == "conservation")
    barcodes = _counts_by_resource(BarcodeRecord.resource_id)
    return render_template(
        "public/resources.html",
        cards=[(r, conserved.get(r.id, 0), barcodes.get(r.id, 0)) for r in resources],
    )


@bp.get("/resources/<code>")
def resource(code: str):
    resource = _resource_or_404(code)
    conservation = db.session.scalars(
        newest_first(
            sa.select(Application)
            .where(APPROVED, Application.kind == "conservation",
                   Application.resource_id == resource.id)
            .options(*_listing_options())
        )
    ).all()
    censuses = db.session.scalars(
        sa.select(Census).where(Census.resource_id == resource.id)
        .order_by(Census.counted_on, Census.id)
    ).all()
    barcodes = paginate(
        sa.select(BarcodeRecord).where(BarcodeRecord.resource_id == resource.id)
        .order_by(BarcodeRecord.sample_id)
    )
    present = _counts_by_resource(BarcodeRecord.marker, BarcodeRecord.resource_id == resource.id,
                                  BarcodeRecord.sequence != "")
    return render_template(
        "public/resource.html",
        resource=resource,
        conservation=conservation,
        censuses=censuses,
        census_rows=[(f"{short_date(c.counted_on)} · {c.locality}", c.total or 0) for c in censuses],
        barcodes=barcodes,
        # The markers with sequences to export, in the order of MARKERS.
        markers=[(m, MARKER_LABELS[m], present[m]) for m in MARKERS if m in present],
        marker_labels=MARKER_LABELS,
    )


@bp.get("/resources/<code>/barcodes/<sample_id>")
def barcode(code: str, sample_id: str):
    resource = _resource_or_404(code)
    if not SAMPLE_ID.fullmatch(sample_id):
        abort(404)
    record = db.session.scalar(
        sa.select(BarcodeRecord).where(BarcodeRecord.resource_id == resource.id,
                                       BarcodeRecord.sample_id == sample_id)
    )
    if record is None:
        abort(404)
    duplicates = []
    if record.sequence_digest:
        duplicates = db.session.execute(
            sa.select(BarcodeRecord.sample_id, GeneticResource.code)
            .join(GeneticResource, GeneticResource.id == BarcodeRecord.resource_id)
            .where(BarcodeRecord.sequence_digest == record.sequence_digest,
                   BarcodeRecord.id != record.id)
            .order_by(BarcodeRecord.sample_id)
            .limit(DUPLICATES_SHOWN)
        ).all()
    return render_template(
        "public/barcode.html",
        resource=resource,
        record=record,
        marker_label=MARKER_LABELS.get(record.marker, record.marker),
        sequence_lines=[record.sequence[i:i + 70] for i in range(0, len(record.sequence), 70)],
        duplicates=duplicates,
    )


@bp.get("/resources/<code>/barcodes.fasta")
def resource_fasta(code: str):
    resource = _resource_or_404(code)
    marker = request.args.get("marker") or None
    if marker is not None and marker not in MARKERS:
        abort(404)
    statement = (
        sa.select(BarcodeRecord)
        .where(BarcodeRecord.resource_id == resource.id)
        .options(joinedload(BarcodeRecord.resource))
        .order_by(BarcodeRecord.sample_id)
    )
    if marker is not None:
        statement = statement.where(BarcodeRecord.marker == marker)
    filename = f"{resource.code}-{marker}.fasta" if marker else f"{resource.code}.fasta"
    return Response(
        stream_with_context(fasta_lines(statement)),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# Files and language -----------------------------------------------------------------------

@bp.get("/files/<int:attachment_id>")
def download(attachment_id: int):
    attachment = db.get_or_404(
        Attachment, attachment_id, options=[joinedload(Attachment.application)]
    )
    # 404, not 403: whether a private document exists is itself private.
    if not attachment_service.can_download(attachment, current_user):
        abort(404)
    path = attachment_service.file_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        as_attachment=True,
        download_name=attachment.original_name,
        mimetype=attachment.content_type,
    )
    if not (attachment.is_public and attachment.application.is_public):
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/files/reports/<int:attachment_id>")
def report_file(attachment_id: int):
    """A document attached to an agency's plan task report: staff and the agencies involved."""
    attachment = db.get_or_404(AgencyReportAttachment, attachment_id)
    if not plan_reports.may_view(attachment.report, current_user):
        abort(404)
    path = attachment_service.file_path(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=attachment.original_name,
                         mimetype=attachment.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/language/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("public.home"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
