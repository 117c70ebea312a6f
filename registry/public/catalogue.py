"""The catalogue of approved records, with facets and an accent-free search; one record's
public page; an organisation's public page."""
import re

import sqlalchemy as sa
from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from registry.extensions import db
from registry.models import Application, Commune, District, Organization
from registry.models.applications import FIELDS, KINDS
from registry.models.reference import FORMER_PROVINCES
from registry.presenters import field_rows
from registry.public import bp
from registry.services.records import (PUBLIC, RecordFilters, commune_order, decode_cursor,
                                       facet_counts, listing_options, newest_first, record_page)
from registry.web import cached_for_visitors, page_number, paginate

PUBLIC_CODE = re.compile(r"[A-Z0-9-]{1,20}")


def _public_organization(organization: Organization) -> dict:
    """The allow-list of an organisation's public facts: never its contacts or address."""
    commune, district = organization.commune, organization.district
    return {
        "id": organization.id,
        "name": organization.name,
        "type": organization.type_label,
        # Its commune or ward and the former province that lies in; or its former district.
        "commune": commune.name if commune else "",
        "former_province": commune.former_province_label if commune else "",
        "district": district.name if district else "",
    }


# The commune facet lists this many units, the most records first; the others (and the one
# chosen, wherever it ranks) are reachable below them.
COMMUNES_LISTED = 15


def _facets(filters: RecordFilters, districts: list[District]) -> list[dict]:
    """The facets as lists of {value, label, count, current}, in a stable order: kind, field,
    former province, commune or ward (units with records only), former district (only when
    some record has one) and year."""
    kinds = facet_counts(filters, "kind")
    fields = facet_counts(filters, "field")
    provinces = facet_counts(filters, "former_province")
    by_commune = facet_counts(filters, "commune")
    by_district = facet_counts(filters, "district")
    years = facet_counts(filters, "year")
    communes = _communes_by_count(by_commune, filters.commune)

    def facet(name, title, options, current, listed=None):
        options = [
            {"value": value, "label": label, "count": count, "current": value == current}
            for value, label, count in options
            if count or value == current
        ]
        shown, more = options, []
        if listed is not None and len(options) > listed:
            shown = options[:listed] + [o for o in options[listed:] if o["current"]]
            more = [o for o in options[listed:] if not o["current"]]
        return {"name": name, "title": title, "current": current, "options": shown, "more": more}

    communes_facet = facet("commune", _("Commune or ward"),
                           [(c.code, c.name, by_commune.get(c.id, 0)) for c in communes],
                           filters.commune.code if filters.commune else None, listed=COMMUNES_LISTED)
    communes_facet["more_label"] = ngettext("%(num)d more commune or ward",
                                            "%(num)d more communes and wards",
                                            len(communes_facet["more"]))

    facets = [
        facet("kind", _("Kind"),
              [(code, str(label), kinds.get(code, 0)) for code, label in KINDS.items()],
              filters.kind),
        facet("field", _("Field"),
              [(code, str(label), fields.get(code, 0)) for code, label in FIELDS.items()],
              filters.field),
        facet("former_province", _("Former province"),
              [(code, str(label), provinces.get(code, 0)) for code, label in FORMER_PROVINCES.items()],
              filters.former_province),
        communes_facet,
        facet("district", _("Former district (before 01/07/2025)"),
              [(d.code, d.name, by_district.get(d.id, 0)) for d in districts],
              filters.district.code if filters.district else None),
        facet("year", _("Year of approval"),
              [(year, str(year), years.get(year, 0))
               for year in sorted(set(years) | ({filters.year} if filters.year else set()),
                                  reverse=True)],
              filters.year),
    ]
    # The former districts are history: their facet shows only while some record has one.
    return [f for f in facets if f["name"] != "district" or f["options"]]


def _communes_by_count(counts: dict[int, int], current: Commune | None) -> list[Commune]:
    """The units that have records (and the one chosen), the most records first, then by name:
    one query for them all."""
    ids = set(counts) | ({current.id} if current else set())
    communes = db.session.scalars(sa.select(Commune).where(Commune.id.in_(ids))).all()
    return sorted(communes, key=lambda c: (-counts.get(c.id, 0), *commune_order(c)))


@bp.get("/records")
@cached_for_visitors
def catalogue():
    districts = db.session.scalars(
        sa.select(District).order_by(District.sort_order, District.name_vi)
    ).all()
    filters, _ignored = RecordFilters.from_args(request.args)
    # "Next" carries where the page ended (`after`): reading on costs the same however deep.
    pagination = record_page(filters, page_number(), current_app.config["PER_PAGE"],
                             after=decode_cursor(request.args.get("after")))
    return render_template(
        "public/catalogue.html",
        filters=filters,
        facets=_facets(filters, districts),
        pagination=pagination,
    )


# Record and organisation pages ------------------------------------------------------------

@bp.get("/records/<code>")
@cached_for_visitors
def record(code: str):
    if not PUBLIC_CODE.fullmatch(code):
        abort(404)
    application = db.session.scalar(
        sa.select(Application)
        .where(Application.public_code == code, PUBLIC)
        .options(
            joinedload(Application.organization).joinedload(Organization.commune),
            joinedload(Application.organization).joinedload(Organization.district),
            joinedload(Application.commune),
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
@cached_for_visitors
def organization(organization_id: int):
    organization = db.get_or_404(
        Organization, organization_id,
        options=[joinedload(Organization.commune), joinedload(Organization.district)]
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
