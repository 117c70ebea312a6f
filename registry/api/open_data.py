"""Open data in the standards others already harvest: the DCAT-AP catalogue of the registry's
datasets (for CKAN's DCAT harvester) and the support awards as 360Giving files. Public, under
the API's rate limit; what they hold is built in `registry.services.open_data`."""
import csv
import hashlib
import io
import json

from flask import Response, request
from openpyxl import Workbook

from registry.api import bp
from registry.api.exports import XLSX, xlsx_cell, csv_safe
from registry.services import data_version, generated_files
from registry.services import open_data


# The DCAT catalogue ---------------------------------------------------------------------------

def _catalog_response(name: str, vary: bool = False) -> Response:
    body = open_data.catalog_document(name)
    response = Response(body, mimetype=open_data.CATALOG_FORMATS[name][1])
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    version = data_version.current()
    if version is not None:
        response.last_modified = version.changed_at
    if vary:
        response.vary.add("Accept")
    return response.make_conditional(request)


# What /catalog answers for each media type a client may ask for; JSON-LD when it asks for none.
NEGOTIATED = {"application/ld+json": "jsonld", "application/rdf+xml": "rdf", "text/turtle": "ttl"}


@bp.get("/catalog", endpoint="catalog")
def catalog():
    media = request.accept_mimetypes.best_match(list(NEGOTIATED), default="application/ld+json")
    return _catalog_response(NEGOTIATED[media], vary=True)


@bp.get("/catalog.jsonld", endpoint="catalog_jsonld")
def catalog_jsonld():
    return _catalog_response("jsonld")


@bp.get("/catalog.rdf", endpoint="catalog_rdf")
def catalog_rdf():
    return _catalog_response("rdf")


# 360Giving --------------------------------------------------------------------------------------

def _download(extension: str, content_type: str, build, attachment: bool = True) -> Response:
    """The file built once per data version; its links are on the host asked, so it is kept
    per host."""
    headers = {}
    if attachment:
        headers["Content-Disposition"] = f'attachment; filename="hung-yen-360giving.{extension}"'
    return generated_files.download(f"360giving-{open_data.host_key()}.{extension}", content_type,
                                    build=build, headers=headers)


def _write_json(out) -> None:
    out.write(json.dumps(open_data.grants_package(), ensure_ascii=False).encode())


def _write_csv(out) -> None:
    # No byte-order mark: tools reading 360Giving CSV (flatten-tool) take the first header as
    # it is. The workbook is the form for spreadsheet programs.
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow(open_data.HEADER)
    for grant in open_data.grants():
        writer.writerow([csv_safe("" if value is None else value) for value in open_data.grant_row(grant)])
    text.flush()
    text.detach()


def _write_xlsx(out) -> None:
    package = open_data.grants_package()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("grants")
    sheet.append(open_data.HEADER)
    for grant in package["grants"]:
        sheet.append([xlsx_cell(sheet, value) for value in open_data.grant_row(grant)])
    meta = workbook.create_sheet("Meta")
    for name, value in open_data.meta_rows(package):
        meta.append([name, xlsx_cell(meta, value)])
    workbook.save(out)


@bp.get("/360giving.json", endpoint="grants_json")
def grants_json():
    return _download("json", "application/json", _write_json, attachment=False)


@bp.get("/360giving.xlsx", endpoint="grants_xlsx")
def grants_xlsx():
    return _download("xlsx", XLSX, _write_xlsx)


@bp.get("/360giving.csv", endpoint="grants_csv")
def grants_csv():
    return _download("csv", "text/csv; charset=utf-8", _write_csv)
