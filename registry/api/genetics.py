"""Genetic resources and their DNA barcode records in the API: read by anyone, written by the
department. The rules are in `registry.services.genetics`."""
from flask import Response, abort, g, jsonify, request, stream_with_context, url_for
from flask_babel import gettext as _

from sqlalchemy.orm import joinedload

from registry.api import bp
from registry.api.views import json_body, page_of, roles
from registry.extensions import db
from registry.models import BarcodeRecord, GeneticResource
from registry.models.genetics import MARKERS
from registry.services import genetics
from registry.services.errors import ValidationFailed
from registry.services.unit_of_work import commit


def _load(code: str) -> GeneticResource:
    resource = db.session.scalar(db.select(GeneticResource).filter_by(code=code))
    if resource is None:
        abort(404)
    return resource


def _plain_date(value):
    return value.isoformat() if value else None


def resource_data(resource: GeneticResource, barcode_count: int) -> dict:
    return {
        "code": resource.code,
        "name_vi": resource.name_vi,
        "name_en": resource.name_en,
        "scientific_name": resource.scientific_name,
        "kind": resource.kind,
        "indigenous": resource.indigenous,
        "risk_status": resource.risk_status,
        "barcode_count": barcode_count,
        "barcodes_url": url_for("api.list_barcodes", code=resource.code, _external=True),
    }


def census_data(census) -> dict | None:
    if census is None:
        return None
    return {"counted_on": census.counted_on.isoformat(), "locality": census.locality,
            "breeding_females": census.breeding_females, "breeding_males": census.breeding_males,
            "individuals": census.individuals}


def barcode_data(record: BarcodeRecord) -> dict:
    return {
        "sample_id": record.sample_id,
        "resource": record.resource.code,
        "marker": record.marker,
        "sequence": record.sequence,
        "length": record.length,
        "genbank_accession": record.genbank_accession,
        "collected_on": _plain_date(record.collected_on),
        "locality": record.locality,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "lab": record.lab,
        "created_at": record.created_at.replace(microsecond=0).isoformat() + "Z",
    }


def _marker_filter() -> list:
    marker = request.args.get("marker")
    if not marker:
        return []
    if marker not in MARKERS:
        raise ValidationFailed(_("Some query arguments are not valid."),
                               {"marker": [_("Unknown value: %(values)s.", values=marker)]})
    return [BarcodeRecord.marker == marker]


def _barcode_counts(resource_ids) -> dict[int, int]:
    if not resource_ids:
        return {}
    rows = db.session.execute(
        db.select(BarcodeRecord.resource_id, db.func.count(BarcodeRecord.id))
        .where(BarcodeRecord.resource_id.in_(resource_ids)).group_by(BarcodeRecord.resource_id))
    return dict(rows.all())


@bp.get("/resources")
def list_resources():
    data = page_of(db.select(GeneticResource).order_by(GeneticResource.code), lambda r: r)
    counts = _barcode_counts([resource.id for resource in data["items"]])
    data["items"] = [resource_data(r, counts.get(r.id, 0)) for r in data["items"]]
    return jsonify(data)


@bp.get("/resources/<code>")
def get_resource(code: str):
    resource = _load(code)
    data = resource_data(resource, _barcode_counts([resource.id]).get(resource.id, 0))
    data["latest_census"] = census_data(genetics.latest_census(resource))
    data["proposed_risk_status"] = genetics.proposed_risk(resource)
    return jsonify(data)


@bp.get("/resources/<code>/barcodes")
def list_barcodes(code: str):
    resource = _load(code)
    statement = (db.select(BarcodeRecord)
                 .where(BarcodeRecord.resource_id == resource.id, *_marker_filter())
                 .order_by(BarcodeRecord.id))
    return jsonify(page_of(statement, barcode_data))


@bp.get("/resources/<code>/barcodes.fasta")
def barcodes_fasta(code: str):
    resource = _load(code)
    statement = (db.select(BarcodeRecord).options(joinedload(BarcodeRecord.resource))
                 .where(BarcodeRecord.resource_id == resource.id, *_marker_filter())
                 .order_by(BarcodeRecord.id))
    return Response(stream_with_context(genetics.fasta_lines(statement)),
                    mimetype="text/plain")


@bp.post("/resources/<code>/barcodes")
@roles("reviewer", "admin")
def create_barcode(code: str):
    resource = _load(code)
    record, warnings = genetics.add_barcode(resource, g.api_user, json_body())
    commit()
    response = jsonify({**barcode_data(record), "warnings": warnings})
    response.status_code = 201
    return response
