"""Indigenous genetic resources: their conservation records, censuses and the DNA barcode
database, with FASTA downloads."""
import re

import sqlalchemy as sa
from flask import Response, abort, render_template, request, stream_with_context
from sqlalchemy.orm import joinedload

from registry.extensions import db
from registry.formatting import short_date
from registry.models import Application, BarcodeRecord, Census, GeneticResource
from registry.models.genetics import MARKER_LABELS, MARKERS
from registry.public import bp
from registry.services.genetics import fasta_lines
from registry.services.records import PUBLIC, listing_options, newest_first
from registry.web import cached_for_visitors, paginate

RESOURCE_CODE = re.compile(r"[a-z0-9_]{1,40}")
SAMPLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# At most this many other records with the same sequence are listed on a barcode page.
DUPLICATES_SHOWN = 50


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
@cached_for_visitors
def resources():
    resources = db.session.scalars(
        sa.select(GeneticResource).order_by(
            GeneticResource.indigenous.desc(), GeneticResource.name_vi, GeneticResource.id)
    ).all()
    conserved = _counts_by_resource(
        Application.resource_id, PUBLIC, Application.kind == "conservation")
    barcodes = _counts_by_resource(BarcodeRecord.resource_id)
    return render_template(
        "public/resources.html",
        cards=[(r, conserved.get(r.id, 0), barcodes.get(r.id, 0)) for r in resources],
    )


@bp.get("/resources/<code>")
@cached_for_visitors
def resource(code: str):
    resource = _resource_or_404(code)
    conservation = db.session.scalars(
        newest_first(
            sa.select(Application)
            .where(PUBLIC, Application.kind == "conservation",
                   Application.resource_id == resource.id)
            .options(*listing_options())
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
@cached_for_visitors
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
