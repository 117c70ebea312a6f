"""Open data in the standards that others already harvest (issue #15, items 5 and 6).

- DCAT-AP: the catalogue of the registry's datasets (approved records, the plan's targets,
  genetic resources, DNA barcodes, and the support awards) with their download and API
  distributions, as an rdflib Graph served as JSON-LD, RDF/XML or Turtle, so that CKAN's DCAT
  harvester (ckanext-dcat) of the national open-data portal picks them up by itself.
- 360Giving: the support decisions for projects and startups as grants of the 360Giving Data
  Standard (the package form, and the rows of its spreadsheet form).

Dates come from the data — the first and latest approval, decision, census or barcode record,
the plan's dates, the data version's time for what is counted live — never from the clock. Each
document is built once per data version (`data_version.cached` here, `generated_files.download`
for the 360Giving files), so its cost does not grow with the number of visitors.

Identifiers (see registry/schemas/README.md):
- grants, and the funder and recipients without an official number, carry the publisher prefix
  `360G-hungyendost` (360Giving: prefix + an internal identifier);
- a recipient organisation with a Vietnamese tax code (mã số thuế) is `VN-TIN-<digits>`, the
  org-id.guide list "Viet Nam Tax Identification Number" (a 13-digit branch code without its
  hyphen). An individual or household is a `recipientIndividual`: its tax code is personal and
  is never published.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from registry.extensions import db
from registry.models import (
    Application,
    BarcodeRecord,
    Census,
    Commune,
    District,
    GeneticResource,
    Organization,
    SupportDecision,
)
from registry.models.applications import DECIDED_KINDS, KINDS
from registry.services import data_version
from registry.services.plans import counted_plan
from registry.services.records import PUBLIC

ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
FREQUENCY = Namespace(EU + "frequency/")
LANGUAGE = Namespace(EU + "language/")
ACCESS_RIGHT = Namespace(EU + "access-right/")
COUNTRY = Namespace(EU + "country/")
IANA = Namespace("http://www.iana.org/assignments/media-types/")
REGIONAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/RegionalAuthority")
OPENAPI_3_1 = URIRef("https://spec.openapis.org/oas/v3.1.0")
FASTA = URIRef("http://edamontology.org/format_1929")  # EDAM's FASTA format: no IANA type has it

# One open licence for everything the registry publishes, said on every distribution.
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LANGUAGES = ("vi", "en")
# Proper names, in the two languages the catalogue speaks (as the reference tables keep them).
PUBLISHER_NAME = {"vi": "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
                  "en": "Department of Science and Technology of Hưng Yên province"}
PROVINCE_NAME = {"vi": "Tỉnh Hưng Yên", "en": "Hưng Yên province"}
IN_PROVINCE = "tỉnh Hưng Yên"  # after a commune's or former district's name: "Xã Khoái Châu, tỉnh Hưng Yên"

# 360Giving -------------------------------------------------------------------------------------
# The publisher's prefix: "360G-" and a stable slug of the department (Hưng Yên DOST). Grants are
# the prefix + their public code, which never changes once given.
GRANT_PREFIX = "360G-hungyendost"
# The funder: no official list gives the department a code the registry knows, so its internal
# identifier (its code in the registry's agency table) after the prefix, as 360Giving advises.
# OPEN_DATA_FUNDER_ID (e.g. "VN-TIN-…" or "VN-COA-…") replaces it once the department has one.
FUNDER_ID = f"{GRANT_PREFIX}-DOST"
TAX_ID_LIST = "VN-TIN"  # org-id.guide: Viet Nam Tax Identification Number (General Department of Taxation)
TAX_CODE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")
# The official code of a commune-level unit (the General Statistics Office's list of
# administrative units); 360Giving's geoCodeType codelist has only the United Kingdom's types.
GEO_CODE_TYPE = "VN-GSO-COMMUNE"
STANDARD_VERSION = "1.4"
SCHEMA_URI = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-package-schema.json"
STANDARD_URI = "https://standard.threesixtygiving.org/en/latest/"


def funder_id() -> str:
    return current_app.config.get("OPEN_DATA_FUNDER_ID") or FUNDER_ID


# Dates taken from the data ------------------------------------------------------------------

def _utc(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) timestamp as an aware one, whole seconds."""
    return moment.replace(microsecond=0, tzinfo=UTC) if moment is not None else None


def _first_and_last(column, *where) -> tuple:
    """min and max of a column, one query each (along the index where the column has one)."""
    first = db.session.scalar(sa.select(sa.func.min(column)).where(*where))
    last = db.session.scalar(sa.select(sa.func.max(column)).where(*where))
    return first, last


def _as_date(value) -> date | None:
    if isinstance(value, str):  # SQLite may hand back a bare text for an aggregate of a date
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.date()
    return value


def _as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value


def _decided_awards():
    """Support decisions of public projects and startups (confirmations of the other kinds are
    no awards)."""
    return (sa.select(SupportDecision.decided_on)
            .join(Application, SupportDecision.application_id == Application.id)
            .where(PUBLIC, Application.kind.in_(DECIDED_KINDS)))


def _awards_span() -> tuple[date | None, date | None]:
    awards = _decided_awards().subquery()
    first = db.session.scalar(sa.select(sa.func.min(awards.c.decided_on)))
    last = db.session.scalar(sa.select(sa.func.max(awards.c.decided_on)))
    return _as_date(first), _as_date(last)


def _edge_row_time(column, id_column, newest: bool):
    """The timestamp of the first or newest row by its primary key (rows are only added)."""
    order = id_column.desc() if newest else id_column.asc()
    return _as_datetime(db.session.scalar(sa.select(column).order_by(order).limit(1)))


# DCAT --------------------------------------------------------------------------------------

Text = LazyString | Callable[[], str]


@dataclass
class Distribution:
    slug: str
    title: Text
    access_url: str
    media_type: str
    file_type: str
    download_url: str | None = None
    through_api: bool = False
    conforms_to: str | URIRef | None = None


@dataclass
class Dataset:
    slug: str
    title: Text
    description: Text
    keywords: tuple[Text, ...]
    themes: tuple[str, ...]
    landing_page: str
    periodicity: str
    issued: date | datetime | None
    modified: date | datetime | None
    temporal: tuple[date | None, date | None] | None = None
    distributions: list[Distribution] = field(default_factory=list)
    alternative_identifier: str | None = None


def _in_each_language(text: Text) -> Iterator[Literal]:
    for language in LANGUAGES:
        with force_locale(language):
            value = str(text) if isinstance(text, (str, LazyString)) else text()
        yield Literal(value, lang=language)


def _date_literal(value: date | datetime) -> Literal:
    if isinstance(value, datetime):
        return Literal(_utc(value), datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def _url(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _datasets() -> list[Dataset]:
    version = data_version.current()
    changed_at = version.changed_at if version is not None else None

    first_approval, last_approval = (_as_date(value) for value in _first_and_last(Application.approved_on, PUBLIC))
    first_award, last_award = _awards_span()
    records_modified = max((day for day in (last_approval, last_award) if day is not None), default=None)
    records = Dataset(
        slug="records",
        title=_l("Approved biotechnology records of Hưng Yên province"),
        description=_l("Every record the Department of Science and Technology approved: biotech "
                       "technology projects and innovation startups with their support decision, "
                       "genetic-resource conservation efforts and plant-variety protection "
                       "filings — title, summary, field, place (commune or ward), organisation, "
                       "dates, budget and support granted. Contact details and private documents "
                       "are never included."),
        keywords=(_l("biotechnology"), _l("science and technology"), _l("agriculture"),
                  _l("plant varieties"), _l("genetic resources"), _l("Hưng Yên")),
        themes=("TECH", "AGRI", "HEAL", "ENVI"),
        landing_page=_url("public.catalogue"),
        periodicity="UPDATE_CONT",
        issued=first_approval, modified=records_modified,
        temporal=(first_approval, last_approval) if first_approval else None,
        distributions=[
            Distribution("records-csv", _l("Approved records (CSV)"), _url("api.export_csv"),
                         "text/csv", "CSV", download_url=_url("api.export_csv")),
            Distribution("records-xlsx", _l("Approved records (Excel workbook)"), _url("api.export_xlsx"),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
                         download_url=_url("api.export_xlsx")),
            Distribution("records-api", _l("Approved records through the JSON API"),
                         _url("api.list_records"), "application/json", "JSON", through_api=True,
                         conforms_to=_url("api.openapi")),
        ],
    )

    plan = counted_plan()
    targets = Dataset(
        slug="targets",
        title=_l("Targets of the biotechnology plan and the province's progress"),
        description=_l("The targets of the province's plan for Resolution 36-NQ/TW on "
                       "biotechnology, each with its current value counted from the registry (or "
                       "the latest figure entered by the department), its deadline and its "
                       "status; any past date can be asked for."),
        keywords=(_l("biotechnology"), _l("plan targets"), _l("Resolution 36-NQ/TW"), _l("Hưng Yên")),
        themes=("GOVE", "TECH"),
        landing_page=_url("public.progress"),
        periodicity="UPDATE_CONT",
        issued=plan.issued_on if plan else None, modified=changed_at,
        temporal=(plan.period_start, plan.period_end) if plan else None,
        distributions=[
            Distribution("targets-api", _l("Targets and progress (JSON)"), _url("api.targets"),
                         "application/json", "JSON", download_url=_url("api.targets"), through_api=True,
                         conforms_to=_url("api.openapi")),
        ],
    )

    first_count, last_count = (_as_date(value) for value in _first_and_last(Census.counted_on))
    resources = Dataset(
        slug="genetic-resources",
        title=_l("Indigenous genetic resources of Hưng Yên and their censuses"),
        description=_l("The province's indigenous genetic resources (such as Nhãn lồng Hưng Yên "
                       "longan and Gà Đông Tảo chicken): scientific name, kind, risk status, the "
                       "latest population census and the number of DNA barcode records."),
        keywords=(_l("genetic resources"), _l("conservation"), _l("indigenous breeds"), _l("Hưng Yên")),
        themes=("AGRI", "ENVI"),
        landing_page=_url("public.resources"),
        periodicity="IRREG",
        issued=_edge_row_time(Census.entered_at, Census.id, newest=False),
        modified=_edge_row_time(Census.entered_at, Census.id, newest=True),
        temporal=(first_count, last_count) if first_count else None,
        distributions=[
            Distribution("genetic-resources-api", _l("Genetic resources through the JSON API"),
                         _url("api.list_resources"), "application/json", "JSON", through_api=True,
                         conforms_to=_url("api.openapi")),
        ],
    )

    barcodes = Dataset(
        slug="dna-barcodes",
        title=_l("DNA barcode records of Hưng Yên's genetic resources"),
        description=_l("DNA barcode and marker records of the indigenous genetic resources: sample, "
                       "marker (COI-5P, rbcL, matK, ITS2, D-loop, SSR or SNP panels…), sequence, "
                       "GenBank accession, collection date and place, laboratory. Each resource's "
                       "sequences are also a FASTA file."),
        keywords=(_l("DNA barcoding"), _l("genetic resources"), _l("sequences"), _l("Hưng Yên")),
        themes=("AGRI", "TECH"),
        landing_page=_url("public.resources"),
        periodicity="IRREG",
        issued=_edge_row_time(BarcodeRecord.created_at, BarcodeRecord.id, newest=False),
        modified=_edge_row_time(BarcodeRecord.created_at, BarcodeRecord.id, newest=True),
        distributions=[
            Distribution("dna-barcodes-api", _l("DNA barcode records through the JSON API"),
                         _url("api.list_resources"), "application/json", "JSON", through_api=True,
                         conforms_to=_url("api.openapi")),
            *(_fasta_distribution(resource) for resource in _barcoded_resources()),
        ],
    )

    grants = Dataset(
        slug="support-awards",
        title=_l("Support awarded to biotechnology projects and startups (360Giving)"),
        description=_l("The support decisions for biotech technology projects and innovation "
                       "startups as grants of the 360Giving Data Standard: amount awarded in đồng, "
                       "award date, planned dates, recipient (with its tax code), funder and "
                       "beneficiary location."),
        keywords=(_l("grants"), _l("public funding"), _l("360Giving"), _l("biotechnology"), _l("startups")),
        themes=("GOVE", "ECON", "TECH"),
        landing_page=_url("api.docs", _anchor="open-data"),
        periodicity="UPDATE_CONT",
        issued=first_award, modified=last_award,
        temporal=(first_award, last_award) if first_award else None,
        alternative_identifier=f"{GRANT_PREFIX}-support-decisions",
        distributions=[
            Distribution("support-awards-json", _l("Support awards, 360Giving JSON"), _url("api.grants_json"),
                         "application/json", "JSON", download_url=_url("api.grants_json"),
                         conforms_to=SCHEMA_URI),
            Distribution("support-awards-xlsx", _l("Support awards, 360Giving spreadsheet (Excel)"),
                         _url("api.grants_xlsx"),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX",
                         download_url=_url("api.grants_xlsx"), conforms_to=STANDARD_URI),
            Distribution("support-awards-csv", _l("Support awards, 360Giving spreadsheet (CSV)"),
                         _url("api.grants_csv"), "text/csv", "CSV", download_url=_url("api.grants_csv"),
                         conforms_to=STANDARD_URI),
        ],
    )
    return [records, targets, resources, barcodes, grants]


def _barcoded_resources() -> list[GeneticResource]:
    """The resources that have DNA barcode records, by code."""
    with_barcodes = sa.select(BarcodeRecord.resource_id).distinct()
    return list(db.session.scalars(sa.select(GeneticResource).where(GeneticResource.id.in_(with_barcodes))
                                   .order_by(GeneticResource.code)))


def _fasta_distribution(resource: GeneticResource) -> Distribution:
    url = _url("api.barcodes_fasta", code=resource.code)
    return Distribution(
        f"dna-barcodes-fasta-{resource.code}",
        lambda: _("DNA barcode sequences of %(resource)s (FASTA)", resource=resource.name),
        url, "text/plain", "TXT", download_url=url, conforms_to=FASTA)


def catalog_graph() -> Graph:
    """The DCAT-AP catalogue as a graph; absolute URLs on the host asked. Needs a request."""
    catalog = URIRef(_url("api.catalog"))
    node = {name: URIRef(f"{catalog}#{name}") for name in ("publisher", "contact", "api", "hung-yen")}
    license_ = URIRef(LICENSE)
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                              ("adms", ADMS), ("skos", SKOS), ("xsd", XSD)):
        graph.bind(prefix, namespace)

    def add_texts(subject, predicate, text: Text) -> None:
        for literal in _in_each_language(text):
            graph.add((subject, predicate, literal))

    # Who publishes, whom to ask, the place and the licence.
    graph.add((node["publisher"], RDF.type, FOAF.Agent))
    graph.add((node["publisher"], RDF.type, FOAF.Organization))
    for language in LANGUAGES:
        graph.add((node["publisher"], FOAF.name, Literal(PUBLISHER_NAME[language], lang=language)))
        graph.add((node["contact"], VCARD.fn, Literal(PUBLISHER_NAME[language], lang=language)))
        graph.add((node["hung-yen"], SKOS.prefLabel, Literal(PROVINCE_NAME[language], lang=language)))
    graph.add((node["publisher"], DCTERMS.type, REGIONAL_AUTHORITY))
    graph.add((node["contact"], RDF.type, VCARD.Organization))
    graph.add((node["contact"], VCARD.hasURL, URIRef(_url("public.home"))))
    graph.add((node["hung-yen"], RDF.type, DCTERMS.Location))
    graph.add((license_, RDF.type, DCTERMS.LicenseDocument))
    graph.add((license_, DCTERMS.title, Literal("Creative Commons Attribution 4.0 International (CC BY 4.0)")))

    datasets = _datasets()

    # The catalogue.
    graph.add((catalog, RDF.type, DCAT.Catalog))
    add_texts(catalog, DCTERMS.title, _l("Open data of the Hưng Yên Biotech Registry"))
    add_texts(catalog, DCTERMS.description, _l(
        "The open data of the registry through which Hưng Yên province runs its biotechnology plan "
        "(Resolution 36-NQ/TW): approved records, the plan's targets and progress, indigenous "
        "genetic resources and their DNA barcodes, and the support awarded to projects and "
        "startups."))
    graph.add((catalog, DCTERMS.publisher, node["publisher"]))
    graph.add((catalog, FOAF.homepage, URIRef(_url("public.home"))))
    graph.add((catalog, DCTERMS.language, LANGUAGE.VIE))
    graph.add((catalog, DCTERMS.language, LANGUAGE.ENG))
    graph.add((catalog, DCTERMS.license, license_))
    graph.add((catalog, DCTERMS.spatial, node["hung-yen"]))
    graph.add((catalog, DCTERMS.spatial, COUNTRY.VNM))
    graph.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    issued = [_as_date(dataset.issued) for dataset in datasets if dataset.issued is not None]
    if issued:
        graph.add((catalog, DCTERMS.issued, _date_literal(min(issued))))
    version = data_version.current()
    if version is not None:
        graph.add((catalog, DCTERMS.modified, _date_literal(version.changed_at)))

    # The API that serves the datasets.
    api = node["api"]
    graph.add((catalog, DCAT.service, api))
    graph.add((api, RDF.type, DCAT.DataService))
    add_texts(api, DCTERMS.title, _l("JSON API of the Hưng Yên Biotech Registry"))
    graph.add((api, DCAT.endpointURL, URIRef(_url("api.openapi").removesuffix("openapi.json"))))
    graph.add((api, DCAT.endpointDescription, URIRef(_url("api.openapi"))))
    graph.add((api, DCAT.landingPage, URIRef(_url("api.docs"))))
    graph.add((api, DCTERMS.conformsTo, OPENAPI_3_1))
    graph.add((api, DCTERMS.publisher, node["publisher"]))
    graph.add((api, DCAT.contactPoint, node["contact"]))
    graph.add((api, DCTERMS.license, license_))

    for dataset in datasets:
        subject = URIRef(f"{catalog}#{dataset.slug}")
        graph.add((catalog, DCAT.dataset, subject))
        graph.add((subject, RDF.type, DCAT.Dataset))
        graph.add((subject, DCTERMS.identifier, Literal(f"hung-yen-biotech-{dataset.slug}")))
        if dataset.alternative_identifier:
            identifier = BNode()
            graph.add((subject, ADMS.identifier, identifier))
            graph.add((identifier, RDF.type, ADMS.Identifier))
            graph.add((identifier, SKOS.notation, Literal(dataset.alternative_identifier)))
        add_texts(subject, DCTERMS.title, dataset.title)
        add_texts(subject, DCTERMS.description, dataset.description)
        for keyword in dataset.keywords:
            add_texts(subject, DCAT.keyword, keyword)
        for theme in dataset.themes:
            graph.add((subject, DCAT.theme, THEME[theme]))
        graph.add((subject, DCTERMS.publisher, node["publisher"]))
        graph.add((subject, DCAT.contactPoint, node["contact"]))
        graph.add((subject, DCAT.landingPage, URIRef(dataset.landing_page)))
        graph.add((subject, DCTERMS.spatial, node["hung-yen"]))
        graph.add((subject, DCTERMS.spatial, COUNTRY.VNM))
        graph.add((subject, DCTERMS.language, LANGUAGE.VIE))
        graph.add((subject, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
        graph.add((subject, DCTERMS.accrualPeriodicity, FREQUENCY[dataset.periodicity]))
        if dataset.issued is not None:
            graph.add((subject, DCTERMS.issued, _date_literal(dataset.issued)))
        if dataset.modified is not None:
            graph.add((subject, DCTERMS.modified, _date_literal(dataset.modified)))
        if dataset.temporal is not None:
            period = BNode()
            graph.add((subject, DCTERMS.temporal, period))
            graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
            start, end = dataset.temporal
            if start is not None:
                graph.add((period, DCAT.startDate, _date_literal(start)))
            if end is not None:
                graph.add((period, DCAT.endDate, _date_literal(end)))
        if any(distribution.through_api for distribution in dataset.distributions):
            graph.add((api, DCAT.servesDataset, subject))
        for distribution in dataset.distributions:
            item = URIRef(f"{catalog}#{distribution.slug}")
            graph.add((subject, DCAT.distribution, item))
            graph.add((item, RDF.type, DCAT.Distribution))
            add_texts(item, DCTERMS.title, distribution.title)
            graph.add((item, DCAT.accessURL, URIRef(distribution.access_url)))
            if distribution.download_url:
                graph.add((item, DCAT.downloadURL, URIRef(distribution.download_url)))
            graph.add((item, DCAT.mediaType, IANA[distribution.media_type]))
            graph.add((item, DCTERMS.format, FILE_TYPE[distribution.file_type]))
            graph.add((item, DCTERMS.license, license_))
            if distribution.through_api:
                graph.add((item, DCAT.accessService, api))
            if distribution.conforms_to:
                graph.add((item, DCTERMS.conformsTo, URIRef(str(distribution.conforms_to))))
            if dataset.modified is not None:
                graph.add((item, DCTERMS.modified, _date_literal(dataset.modified)))
    return graph


# Serializations: name -> (rdflib format, media type).
CATALOG_FORMATS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
    "ttl": ("turtle", "text/turtle"),
}
JSONLD_CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD),
                  "adms": str(ADMS), "skos": str(SKOS), "xsd": str(XSD)}


def catalog_document(name: str) -> str:
    """The catalogue in one of CATALOG_FORMATS, built once per data version and host."""
    def build() -> str:
        rdf_format = CATALOG_FORMATS[name][0]
        if rdf_format == "json-ld":
            return catalog_graph().serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)
        return catalog_graph().serialize(format=rdf_format)

    return data_version.cached("dcat-catalog", (name, request.host_url), build)


# 360Giving -------------------------------------------------------------------------------------

def recipient_identifier(organization_id: int | None, tax_code: str | None, internal: str = "") -> str:
    """VN-TIN-<digits> for a tax code (a branch's 13 digits without the hyphen); otherwise the
    publisher's prefix and the registry's own number of the organisation (or `internal`: a
    startup's enterprise without a tax code, by its application, "A42")."""
    match = TAX_CODE.fullmatch((tax_code or "").strip())
    if match:
        return f"{TAX_ID_LIST}-{match[1]}{match[2] or ''}"
    return f"{GRANT_PREFIX}-ORG-{internal or organization_id}"


def grant_identifier(public_code: str) -> str:
    return f"{GRANT_PREFIX}-{re.sub(r'[^A-Za-z0-9-]', '_', public_code)}"


def _grant_rows():
    """Plain tuples of every award, oldest decision first, a batch at a time."""
    statement = (
        sa.select(Application.id, Application.public_code, Application.kind, Application.title,
                  Application.summary, Application.start_date, Application.end_date,
                  Application.requested_support_vnd, Application.funding_sought_vnd,
                  Application.updated_at, SupportDecision.decided_on, SupportDecision.amount_vnd,
                  SupportDecision.period_start, SupportDecision.period_end, Organization.id,
                  Organization.name, Organization.org_type, Organization.tax_code, Commune.code,
                  Commune.name_vi, District.name_vi, Application.company_name, Application.tax_code)
        .join(SupportDecision, SupportDecision.application_id == Application.id)
        .join(Organization, Application.organization_id == Organization.id)
        .outerjoin(Commune, Application.commune_id == Commune.id)
        .outerjoin(District, Application.district_id == District.id)
        .where(PUBLIC, Application.kind.in_(DECIDED_KINDS))
        .order_by(SupportDecision.decided_on, Application.id)
    )
    yield from db.session.execute(statement.execution_options(yield_per=1000))


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value.isoformat()


def _timestamp(value) -> str:
    return _utc(_as_datetime(value)).isoformat().replace("+00:00", "Z")


def _grant(row) -> dict:
    (application_id, public_code, kind, title, summary, start_date, end_date, requested, sought,
     updated_at, decided_on, amount, period_start, period_end, organization_id, organization_name,
     org_type, tax_code, commune_code, commune_name, district_name, company_name, company_tax_code) = row
    grant = {
        "id": grant_identifier(public_code),
        "title": title,
        "description": summary.strip() or title,
        "currency": "VND",
    }
    applied_for = requested if kind == "project" else sought
    if applied_for is not None:
        grant["amountAppliedFor"] = applied_for
    grant["amountAwarded"] = amount
    grant["awardDate"] = _iso(decided_on)
    grant["url"] = _url("public.record", code=public_code)
    start, end = period_start or start_date, period_end or end_date
    if start or end:
        grant["plannedDates"] = [{key: _iso(value) for key, value in (("startDate", start), ("endDate", end))
                                  if value is not None}]
    if kind == "startup" and company_name:
        # The startup's enterprise is supported, as its support decision names it.
        grant["recipientOrganization"] = [{
            "id": recipient_identifier(None, company_tax_code, f"A{application_id}"),
            "name": company_name}]
    elif org_type == "individual":
        # A person or household: the name the public record shows, never their tax code.
        grant["recipientIndividual"] = {"id": f"{GRANT_PREFIX}-IND-{organization_id}", "name": organization_name}
    else:
        grant["recipientOrganization"] = [{"id": recipient_identifier(organization_id, tax_code),
                                           "name": organization_name}]
    grant["fundingOrganization"] = [{"id": funder_id(), "name": PUBLISHER_NAME["vi"]}]
    if commune_code:
        location = {"name": f"{commune_name}, {IN_PROVINCE}", "countryCode": "VN",
                    "geoCode": commune_code, "geoCodeType": GEO_CODE_TYPE}
    elif district_name:
        location = {"name": f"{district_name}, {IN_PROVINCE}", "countryCode": "VN"}
    else:
        location = {"name": PROVINCE_NAME["vi"], "countryCode": "VN"}
    grant["beneficiaryLocation"] = [location]
    grant["grantProgramme"] = [{"code": kind, "title": str(KINDS[kind])}]
    # The record changes when its decision is recorded too (a trigger, not the row's timestamp).
    decided_at = datetime.combine(_as_date(decided_on), datetime.min.time())
    grant["dateModified"] = _timestamp(max(_as_datetime(updated_at), decided_at))
    grant["dataSource"] = _url("api.get_record", record_id=application_id)
    return grant


def grants() -> list[dict]:
    """Every support decision for a public project or startup as a 360Giving grant, in
    Vietnamese (the language of the records)."""
    with force_locale("vi"):
        return [_grant(row) for row in _grant_rows()]


def grants_package(items: list[dict] | None = None) -> dict:
    """The 360Giving package: the grants and the metadata its schema allows. Needs a request
    (absolute URLs on the host asked)."""
    items = grants() if items is None else items
    with force_locale("vi"):
        package = {
            "version": STANDARD_VERSION,
            "title": _("Support awarded to biotechnology projects and startups, Hưng Yên province"),
            "description": _("The support decisions recorded in the Hưng Yên Biotech Registry for "
                             "biotech technology projects and innovation startups (Resolution "
                             "36-NQ/TW), as grants of the 360Giving Data Standard. Amounts in đồng."),
            "identifier": f"{GRANT_PREFIX}-support-decisions",
            "publisher": {"identifier": funder_id(), "name": PUBLISHER_NAME["vi"], "website": _url("public.home")},
            "downloadURL": _url("api.grants_json"),
            "accessURL": _url("api.docs", _anchor="open-data"),
            "license": LICENSE,
        }
    if items:
        package["issued"] = min(grant["awardDate"] for grant in items)
        package["modified"] = max(grant["dateModified"] for grant in items)
    package["grants"] = items
    return package


# The spreadsheet form: the columns of the standard's grants sheet that the registry fills, in
# the standard's order and with its titles (flatten-tool's "Title:Title" for nested fields).
COLUMNS: tuple[tuple[str, tuple], ...] = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Applied For", ("amountAppliedFor",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("URL", ("url",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Recipient Ind:Identifier", ("recipientIndividual", "id")),
    ("Recipient Ind:Name", ("recipientIndividual", "name")),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    ("Beneficiary Location:Geographic Code", ("beneficiaryLocation", 0, "geoCode")),
    ("Beneficiary Location:Geographic Code Type", ("beneficiaryLocation", 0, "geoCodeType")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Last Modified", ("dateModified",)),
    ("Data Source", ("dataSource",)),
)
HEADER = [title for title, _path in COLUMNS]


def _at(grant: dict, path: tuple):
    value = grant
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError):
            return None
    return value


def grant_row(grant: dict) -> list:
    """One grant as a row of the spreadsheet form (None where the grant has no value)."""
    return [_at(grant, path) for _title, path in COLUMNS]


def meta_rows(package: dict) -> list[tuple[str, str]]:
    """The spreadsheet's Meta sheet: the package's metadata under the template's titles."""
    publisher = package["publisher"]
    rows = [("Version", package["version"]), ("Title", package["title"]),
            ("Description", package["description"]), ("Issued", package.get("issued")),
            ("Identifier", package["identifier"]), ("Publisher:Name", publisher["name"]),
            ("Publisher:Website", publisher["website"]), ("Publisher:Identifier", publisher["identifier"]),
            ("Download URL", package["downloadURL"]), ("Access URL", package["accessURL"]),
            ("Modified", package.get("modified")), ("License", package["license"])]
    return [(name, value) for name, value in rows if value is not None]


def host_key() -> str:
    """A short name of the host asked, for files that hold absolute links on it."""
    return hashlib.sha256(request.host_url.encode()).hexdigest()[:16]

