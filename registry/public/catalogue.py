"""The catalogue of approved records, with facets and an accent-free search; one record's
public page; an organisation's public page."""
import re

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from registry.extensions import db
from registry.models import Application, District, Organization
from registry.models.applications import FIELDS, KINDS
from registry.presenters import field_rows
from registry.public import bp
from registry.services.records import (APPROVAL_YEAR, PUBLIC, RecordFilters, listing_options,
                                       newest_first)
from registry.web import paginate

PUBLIC_CODE = re.compile(r"[A-Z0-9-]{1,20}")


def _public_organization(organization: Organization) -> dict:
    """The allow-list of an organisation's public facts: never its contacts or address."""
    return {
        "id": organization.id,
        "name": organization.name,
        "type": organization.type_label,
        "district": organization.district.name if organization.district else "",
    }


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
    pagination = paginate(newest_first(
        sa.select(Application).where(*filters.conditions()).options(*listing_options())))
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
        .where(Application.public_code == code, PUBLIC)
        .options(
            joinedload(Application.organization).joinedload(Organization.district),
            joinedload(Application.district),
            joinedload(Application.resource),
            selectinload(Application.attachments),
            selectinload(Application.support_decision),
            selectinload(Application.progress_reports),
            selectinload(Application.acceptance),
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
        # The public milestones: the reports filed (their dates, not their content) and acceptance.
        reports_filed=[r for r in application.progress_reports if r.is_filed],
    )


@bp.get("/organizations/<int:organization_id>")
def organization(organization_id: int):
    organization = db.get_or_404(
        Organization, organization_id, options=[joinedload(Organization.district)]
    )
    pagination = paginate(newest_first(
        sa.select(Application)
        .where(PUBLIC, Application.organization_id == organization.id)
        .options(*listing_options())))
    # An organisation becomes public with its first approved record, not before.
    if not pagination.total:
        abort(404)
    return render_template(
        "public/organization.html",
        organization=_public_organization(organization),
        pagination=pagination,
    )
