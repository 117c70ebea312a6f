"""Open data in the standards others already harvest (issue #15, items 5 and 6): the DCAT-AP
catalogue (/api/v1/catalog, .jsonld, .rdf) and the support awards as 360Giving data
(/api/v1/360giving.json, .xlsx, .csv).

The catalogue is read back with rdflib and checked for DCAT-AP's classes and properties, its dates
against the data; the 360Giving package is validated against the standard's published schema,
shipped in registry/schemas/, and its grants against the support decisions in the database; the
spreadsheet forms against the standard's column titles and the JSON."""
import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from registry.api.exports import csv_safe
from registry.extensions import db
from registry.models import Application, BarcodeRecord, GeneticResource, Organization, SupportDecision
from registry.models.applications import DECIDED_KINDS
from registry.services import data_version, genetics
from registry.services import open_data
from registry.services.plans import counted_plan
from registry.services.unit_of_work import commit
from tests.factories import make_application, make_organization, make_user, record_decision

# Plain namespaces (rdflib's own are closed lists that pytest's collection would probe).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SCHEMAS = Path(__file__).resolve().parent.parent / "registry" / "schemas"
API = "/api/v1"
VCARD = "http://www.w3.org/2006/vcard/ns#"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATASETS = ("records", "targets", "genetic-resources", "dna-barcodes", "support-awards")
# The grants sheet of the standard's spreadsheet template
# (documentation/_static/360-giving-schema-titles-with-meta-tab-2023.xlsx, ThreeSixtyGiving/standard),
# in its order: the registry's columns must be among them, in the same order.
TEMPLATE_COLUMNS = [
    "Identifier", "Title", "Description", "Currency", "Amount Applied For", "Amount Awarded",
    "Amount Disbursed", "Award Date", "URL", "Planned Dates:Start Date", "Planned Dates:End Date",
    "Planned Dates:Duration (months)", "Recipient Ind:Identifier", "Recipient Ind:Name",
    "To Individuals Details:Primary Grant Reason", "To Individuals Details:Secondary Grant Reason",
    "To Individuals Details:Grant Purpose", "Recipient Org:Identifier", "Recipient Org:Name",
    "Recipient Org:Charity Number", "Recipient Org:Company Number", "Recipient Org:Street Address",
    "Recipient Org:City", "Recipient Org:County", "Recipient Org:Country", "Recipient Org:Postal Code",
    "Recipient Org:Description", "Recipient Org:Web Address", "Beneficiary Location:Name",
    "Beneficiary Location:Country Code", "Beneficiary Location:Latitude",
    "Beneficiary Location:Longitude", "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type", "Funding Org:Identifier", "Funding Org:Name",
    "Funding Org:Department", "Location Scope", "Grant Programme:Code", "Grant Programme:Title",
    "Grant Programme:URL", "From An Open Call?", "Related Activity", "Last Modified", "Data Source",
    "For Regrant Type",
]
# The template's Meta sheet (the same file).
TEMPLATE_META = ["Version", "Title", "Description", "Issued", "Identifier", "Publisher:Name",
                 "Publisher:Website", "Publisher:Logo", "Publisher:Identifier", "Download URL",
                 "Access URL", "Modified", "License"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


# Data ----------------------------------------------------------------------------------------

def supported(owner, reviewer, kind: str, decided_on: date, amount: int, period=(None, None), **fields):
    """An approved `kind` (approved a week before `decided_on`) with its support decision."""
    application = make_application(owner, kind, "approved", reviewer=reviewer, **fields)
    application.approved_on = decided_on - timedelta(days=7)
    commit()
    record_decision(application, reviewer, decided_on=decided_on, amount_vnd=amount,
                    period_start=period[0], period_end=period[1])
    db.session.refresh(application)
    return application


class Scene:
    """Awards of every kind of recipient, and records that must stay out of the 360Giving data."""

    def __init__(self):
        self.reviewer = make_user("reviewer")
        enterprise = make_organization("Công ty Cổ phần Giống cây trồng Phố Hiến")
        enterprise.org_type = "enterprise"
        enterprise.tax_code = "0901234567"
        branch = make_organization("Chi nhánh Viện Công nghệ sinh học tại Hưng Yên")
        branch.org_type = "research_institute"
        branch.tax_code = "0101234567-002"
        untaxed = make_organization("Hợp tác xã Nhãn lồng Hồng Nam")
        untaxed.tax_code = None
        household = make_organization("Hộ kinh doanh Trần Văn Minh")
        household.org_type = "individual"
        household.tax_code = "0309876543"
        self.owner = make_user("applicant", organization=enterprise)
        self.institute = make_user("applicant", organization=branch)
        self.cooperative = make_user("applicant", organization=untaxed)
        self.person = make_user("applicant", organization=household)
        self.household = household

        self.project = supported(self.owner, self.reviewer, "project", date(2025, 1, 15), 450_000_000,
                                 period=(date(2025, 2, 1), date(2027, 1, 31)))
        # A startup's recipient is its enterprise, as its support decision names it (a branch here).
        self.startup = supported(self.institute, self.reviewer, "startup", date(2025, 3, 10), 300_000_000,
                                 company_name="Chi nhánh Công ty TNHH Vi Sinh Xanh", tax_code="0101234567-002")
        self.old_place = supported(self.cooperative, self.reviewer, "project", date(2025, 2, 20), 200_000_000,
                                   district="khoai_chau", title="Phục tráng giống nhãn lồng cổ")
        self.individual = supported(self.person, self.reviewer, "project", date(2025, 4, 2), 150_000_000,
                                    title="=HYPERLINK(\"http://x\") trồng nấm")
        # Not awards: these stay out.
        self.left_out = [
            make_application(self.owner, "project", "draft", title="Bản nháp chưa nộp"),
            make_application(self.owner, "startup", "withdrawn", title="Hồ sơ đã rút"),
            make_application(self.owner, "project", "approved", reviewer=self.reviewer,
                             title="Đã duyệt, chưa có quyết định hỗ trợ"),
            make_application(self.owner, "project", "rejected", reviewer=self.reviewer,
                             title="Không được phê duyệt"),
            make_application(self.owner, "conservation", "public", reviewer=self.reviewer,
                             title="Bảo tồn có xác nhận của Sở"),
            make_application(self.owner, "pvp_filing", "public", reviewer=self.reviewer,
                             title="Đơn giống đã xác nhận"),
        ]
        self.awards = [self.project, self.old_place, self.startup, self.individual]  # by decision date

    def barcodes(self):
        resource = db.session.scalar(db.select(GeneticResource).filter_by(code="ga_dong_tao"))
        genetics.add_census(resource, self.reviewer, counted_on=date(2025, 6, 1), locality="Xã Đông Tảo",
                            breeding_females=400, breeding_males=50)
        for sample in ("HY-GA-001", "HY-GA-002"):
            genetics.add_barcode(resource, self.reviewer, {"sample_id": sample, "marker": "SSR"})
        commit()
        return resource


@pytest.fixture
def scene(app):
    return Scene()


# Reading the answers -----------------------------------------------------------------------

def graph_of(response, rdf_format: str) -> Graph:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return Graph().parse(data=response.get_data(as_text=True), format=rdf_format)


def catalog(client) -> Graph:
    return graph_of(client.get(f"{API}/catalog.rdf"), "xml")


def package_validator() -> Draft202012Validator:
    """The published package schema, its grant schema found by its $id (offline)."""
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    registry = Registry().with_resources(
        (schema["$id"], DRAFT202012.create_resource(schema)) for schema in (package, grant))
    checker = FormatChecker()
    # The standard's dates are oneOf a date-time or a plain date: only a checked date-time
    # tells them apart (jsonschema checks it with rfc3339-validator).
    assert "date-time" in checker.checkers
    return Draft202012Validator(package, registry=registry, format_checker=checker)


def grants_package(client) -> dict:
    response = client.get(f"{API}/360giving.json")
    assert response.status_code == 200
    return response.get_json()


def xlsx_sheets(client) -> dict[str, list[list]]:
    response = client.get(f"{API}/360giving.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def csv_rows(client) -> list[list[str]]:
    response = client.get(f"{API}/360giving.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert not text.startswith("\ufeff"), "360Giving's tools read the first header as it is"
    return list(csv.reader(io.StringIO(text)))


def one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def languages(graph: Graph, subject, predicate) -> set[str]:
    return {value.language for value in graph.objects(subject, predicate) if isinstance(value, Literal)}


# The DCAT catalogue ------------------------------------------------------------------------

def test_json_ld_rdf_xml_and_turtle_are_the_same_graph(client, scene):
    scene.barcodes()
    from_xml = catalog(client)
    from_json_ld = graph_of(client.get(f"{API}/catalog.jsonld"), "json-ld")
    negotiated = {
        media: graph_of(client.get(f"{API}/catalog", headers={"Accept": media}), rdf_format)
        for media, rdf_format in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
                                  ("text/turtle", "turtle"))}
    assert len(from_xml) > 200
    assert isomorphic(from_xml, from_json_ld)
    for graph in negotiated.values():
        assert isomorphic(from_xml, graph)
    # The JSON-LD carries its context inline: no remote context to fetch.
    document = client.get(f"{API}/catalog.jsonld").get_json()
    assert isinstance(document["@context"], dict) and document["@context"]["dcat"] == str(DCAT)


def test_catalogue_has_dcat_ap_classes_and_properties(client, scene):
    scene.barcodes()
    graph = catalog(client)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(catalogue) == "http://localhost/api/v1/catalog"
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert languages(graph, catalogue, predicate) == {"vi", "en"}
    publisher = one(graph, catalogue, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert languages(graph, publisher, FOAF.name) == {"vi", "en"}
    assert Literal("Sở Khoa học và Công nghệ tỉnh Hưng Yên", lang="vi") in set(graph.objects(publisher, FOAF.name))
    assert one(graph, catalogue, FOAF.homepage) == URIRef("http://localhost/")
    assert set(graph.objects(catalogue, DCTERMS.language)) == {URIRef(EU + "language/VIE"), URIRef(EU + "language/ENG")}
    assert one(graph, catalogue, DCTERMS.license) == LICENSE
    assert (LICENSE, RDF.type, DCTERMS.LicenseDocument) in graph
    assert one(graph, catalogue, DCTERMS.issued).datatype in (XSD.date, XSD.dateTime)
    assert one(graph, catalogue, DCTERMS.modified).datatype in (XSD.date, XSD.dateTime)
    assert one(graph, catalogue, DCAT.themeTaxonomy) == URIRef(EU + "data-theme")

    datasets = {str(one(graph, dataset, DCTERMS.identifier)).removeprefix("hung-yen-biotech-"): dataset
                for dataset in graph.objects(catalogue, DCAT.dataset)}
    assert set(datasets) == set(DATASETS)
    for slug, dataset in datasets.items():
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        for predicate in (DCTERMS.title, DCTERMS.description, DCAT.keyword):
            assert languages(graph, dataset, predicate) == {"vi", "en"}, (slug, predicate)
        themes = set(graph.objects(dataset, DCAT.theme))
        assert themes and all(str(theme).startswith(EU + "data-theme/") for theme in themes)
        assert {URIRef(EU + "data-theme/TECH"), URIRef(EU + "data-theme/AGRI")} & themes
        assert one(graph, dataset, DCTERMS.publisher) == publisher
        contact = one(graph, dataset, DCAT.contactPoint)
        assert (contact, RDF.type, URIRef(VCARD + "Organization")) in graph
        assert languages(graph, contact, URIRef(VCARD + "fn")) == {"vi", "en"}
        places = set(graph.objects(dataset, DCTERMS.spatial))
        assert URIRef(EU + "country/VNM") in places
        (province,) = places - {URIRef(EU + "country/VNM")}
        assert (province, RDF.type, DCTERMS.Location) in graph
        assert Literal("Tỉnh Hưng Yên", lang="vi") in set(graph.objects(province, SKOS.prefLabel))
        assert str(one(graph, dataset, DCTERMS.accrualPeriodicity)).startswith(EU + "frequency/")
        assert one(graph, dataset, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
        assert str(one(graph, dataset, DCAT.landingPage)).startswith("http://localhost/")
        assert one(graph, dataset, DCTERMS.issued) and one(graph, dataset, DCTERMS.modified), slug

        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions, slug
        for distribution in distributions:
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            assert languages(graph, distribution, DCTERMS.title) == {"vi", "en"}
            assert one(graph, distribution, DCTERMS.license) == LICENSE
            assert str(one(graph, distribution, DCAT.mediaType)).startswith(IANA)
            assert str(one(graph, distribution, DCTERMS["format"])).startswith(EU + "file-type/")
            urls = [one(graph, distribution, DCAT.accessURL), *graph.objects(distribution, DCAT.downloadURL)]
            for url in urls:  # absolute, on the host asked, and answering
                parts = urlsplit(str(url))
                assert (parts.scheme, parts.netloc) == ("http", "localhost"), url
                answer = client.get(parts.path)
                answer.get_data()  # the exports stream: read them to the end
                assert answer.status_code == 200, url
                media = str(one(graph, distribution, DCAT.mediaType)).removeprefix(IANA)
                assert answer.mimetype == media, (url, answer.mimetype)
    downloads = {slug: {str(url) for d in graph.objects(dataset, DCAT.distribution)
                        for url in graph.objects(d, DCAT.downloadURL)}
                 for slug, dataset in datasets.items()}
    assert {"http://localhost/api/v1/export/records.csv", "http://localhost/api/v1/export/records.xlsx"} <= downloads["records"]
    assert downloads["dna-barcodes"] == {"http://localhost/api/v1/resources/ga_dong_tao/barcodes.fasta"}
    assert downloads["support-awards"] == {f"http://localhost/api/v1/360giving.{ext}" for ext in ("json", "xlsx", "csv")}

    # The API that serves them, described by its OpenAPI document.
    (service,) = graph.objects(catalogue, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in graph
    assert one(graph, service, DCAT.endpointDescription) == URIRef("http://localhost/api/v1/openapi.json")
    assert {datasets[slug] for slug in ("records", "targets", "genetic-resources", "dna-barcodes")} \
        == set(graph.objects(service, DCAT.servesDataset))


def test_catalogue_dates_come_from_the_data(client, scene):
    resource = scene.barcodes()
    graph = catalog(client)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = {str(one(graph, d, DCTERMS.identifier)).removeprefix("hung-yen-biotech-"): d
                for d in graph.objects(catalogue, DCAT.dataset)}

    def dates(slug):
        dataset = datasets[slug]
        return one(graph, dataset, DCTERMS.issued).toPython(), one(graph, dataset, DCTERMS.modified).toPython()

    approvals = db.session.scalars(db.select(Application.approved_on).where(Application.in_catalogue)).all()
    decisions = [a.support_decision.decided_on for a in scene.awards]
    assert dates("records") == (min(approvals), max([*approvals, *decisions]))
    assert dates("support-awards") == (date(2025, 1, 15), date(2025, 4, 2))
    period = one(graph, datasets["support-awards"], DCTERMS.temporal)
    assert (one(graph, period, DCAT.startDate).toPython(), one(graph, period, DCAT.endDate).toPython()) \
        == (date(2025, 1, 15), date(2025, 4, 2))
    plan = counted_plan()
    assert dates("targets")[0] == plan.issued_on
    period = one(graph, datasets["targets"], DCTERMS.temporal)
    assert one(graph, period, DCAT.startDate).toPython() == plan.period_start
    barcodes = db.session.scalars(db.select(BarcodeRecord).where(BarcodeRecord.resource_id == resource.id)
                                  .order_by(BarcodeRecord.id)).all()
    issued, modified = dates("dna-barcodes")
    assert (issued.replace(tzinfo=None), modified.replace(tzinfo=None)) == (barcodes[0].created_at.replace(microsecond=0),
                                                                            barcodes[-1].created_at.replace(microsecond=0))
    assert one(graph, catalogue, DCTERMS.modified).toPython().replace(tzinfo=None) == data_version.current().changed_at

    # Only the data move them: a later decision does, and the catalogue follows at once.
    late = supported(scene.owner, scene.reviewer, "project", date(2025, 5, 5), 90_000_000)
    assert late.is_public
    graph = catalog(client)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = {str(one(graph, d, DCTERMS.identifier)).removeprefix("hung-yen-biotech-"): d
                for d in graph.objects(catalogue, DCAT.dataset)}
    assert dates("support-awards") == (date(2025, 1, 15), date(2025, 5, 5))


def test_catalogue_is_built_once_per_data_version(client, scene, count_queries):
    client.get(f"{API}/catalog.rdf")
    with count_queries() as counter:
        first = client.get(f"{API}/catalog.rdf")
    assert counter.count <= 2, counter.statements  # the data version only
    again = client.get(f"{API}/catalog.rdf", headers={"If-None-Match": first.headers["ETag"].strip('"')})
    assert again.status_code == 304
    assert first.last_modified is not None


def test_a_catalogue_without_data_is_still_one(client):
    graph = catalog(client)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert len(list(graph.objects(catalogue, DCAT.dataset))) == len(DATASETS)
    package = grants_package(client)
    assert package["grants"] == [] and "issued" not in package
    assert xlsx_sheets(client)["grants"] == [open_data.HEADER]


# 360Giving ---------------------------------------------------------------------------------

def test_360giving_json_validates_against_the_published_schema(client, scene):
    package = grants_package(client)
    validator = package_validator()
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]
    assert package["version"] == "1.4" and package["license"] == str(LICENSE)
    # The schema really is applied: a grant without its currency, or a date that is none, fails.
    broken = json.loads(json.dumps(package))
    del broken["grants"][0]["currency"]
    assert not validator.is_valid(broken)
    broken = json.loads(json.dumps(package))
    broken["grants"][0]["awardDate"] = "15/01/2025"
    assert not validator.is_valid(broken)


def test_grants_are_the_support_decisions(client, scene):
    package = grants_package(client)
    grants = {grant["id"]: grant for grant in package["grants"]}
    assert [grant["id"] for grant in package["grants"]] == \
        [f"360G-hungyendost-{a.public_code}" for a in scene.awards]  # oldest decision first
    decisions = db.session.scalars(
        db.select(SupportDecision).join(Application)
        .where(Application.in_catalogue, Application.kind.in_(DECIDED_KINDS))).all()
    assert len(decisions) == len(grants) == 4
    for decision in decisions:
        application = decision.application
        grant = grants[f"360G-hungyendost-{application.public_code}"]
        assert grant["currency"] == "VND"
        assert grant["amountAwarded"] == decision.amount_vnd
        assert grant["awardDate"] == decision.decided_on.isoformat()
        assert grant["dateModified"][:10] >= grant["awardDate"]  # recording the decision changed it
        assert grant["title"] == application.title
        assert grant["url"] == f"http://localhost/records/{application.public_code}"
        assert grant["dataSource"] == f"http://localhost/api/v1/records/{application.id}"
        assert grant["grantProgramme"][0]["code"] == application.kind
        assert grant["fundingOrganization"] == [{"id": "360G-hungyendost-DOST",
                                                 "name": "Sở Khoa học và Công nghệ tỉnh Hưng Yên"}]
        assert grant["dateModified"] == application.updated_at.replace(microsecond=0).isoformat() + "Z"

    project = grants[f"360G-hungyendost-{scene.project.public_code}"]
    assert project["plannedDates"] == [{"startDate": "2025-02-01", "endDate": "2027-01-31"}]
    assert project["amountAppliedFor"] == scene.project.requested_support_vnd
    assert project["recipientOrganization"] == [{"id": "VN-TIN-0901234567",
                                                 "name": "Công ty Cổ phần Giống cây trồng Phố Hiến"}]
    commune = scene.project.commune
    assert project["beneficiaryLocation"] == [{"name": f"{commune.name_vi}, tỉnh Hưng Yên", "countryCode": "VN",
                                               "geoCode": commune.code, "geoCodeType": "VN-GSO-COMMUNE"}]
    startup = grants[f"360G-hungyendost-{scene.startup.public_code}"]
    assert startup["recipientOrganization"] == [{"id": "VN-TIN-0101234567002",  # a branch: 13 digits
                                                 "name": "Chi nhánh Công ty TNHH Vi Sinh Xanh"}]
    assert "plannedDates" not in startup  # neither a support period nor dates of its own
    assert startup["amountAppliedFor"] == scene.startup.funding_sought_vnd
    old_place = grants[f"360G-hungyendost-{scene.old_place.public_code}"]
    assert old_place["recipientOrganization"][0]["id"] == \
        f"360G-hungyendost-ORG-{scene.old_place.organization_id}"  # no tax code recorded
    assert old_place["beneficiaryLocation"] == [{"name": "Khoái Châu, tỉnh Hưng Yên", "countryCode": "VN"}]
    assert old_place["plannedDates"] == [{"startDate": scene.old_place.start_date.isoformat(),
                                          "endDate": scene.old_place.end_date.isoformat()}]
    individual = grants[f"360G-hungyendost-{scene.individual.public_code}"]
    assert "recipientOrganization" not in individual
    assert individual["recipientIndividual"] == {"id": f"360G-hungyendost-IND-{scene.household.id}",
                                                 "name": "Hộ kinh doanh Trần Văn Minh"}
    assert package["issued"] == "2025-01-15"
    assert package["modified"] == max(grant["dateModified"] for grant in package["grants"])


def test_only_awards_of_the_catalogue_are_in_it(client, scene):
    everything = json.dumps(grants_package(client), ensure_ascii=False)
    for application in scene.left_out:
        assert application.title not in everything, application.title
        if application.public_code:
            assert application.public_code not in everything
    # A confirmation of the department is a support decision too, but no award.
    assert {a.support_decision is not None for a in scene.left_out if a.kind in ("conservation", "pvp_filing")} == {True}


def test_spreadsheet_headings_are_the_standards(client, scene):
    grant_schema = json.loads((SCHEMAS / "360-giving-schema.json").read_text())

    def title(path: tuple) -> str:
        """flatten-tool's title of a field: the schema's titles along the path, joined by ':'."""
        titles, node = [], grant_schema
        for step in path:
            if isinstance(step, int):
                continue
            node = node["properties"][step]
            if "title" not in node:  # e.g. currency: {"$ref": "#/$defs/currency"}, titled there
                node = grant_schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
            titles.append(node["title"])
            while "$ref" in node or node.get("type") == "array":
                node = node["items"] if node.get("type") == "array" else \
                    grant_schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return ":".join(titles)

    assert [name for name, _path in open_data.COLUMNS] == open_data.HEADER
    for name, path in open_data.COLUMNS:
        assert title(path) == name
    positions = [TEMPLATE_COLUMNS.index(name) for name in open_data.HEADER]
    assert positions == sorted(positions), "the template's order"
    sheets = xlsx_sheets(client)
    assert list(sheets) == ["grants", "Meta"]
    assert sheets["grants"][0] == open_data.HEADER
    assert csv_rows(client)[0] == open_data.HEADER
    meta = dict(sheets["Meta"])
    assert set(meta) <= set(TEMPLATE_META)
    assert meta["Version"] == "1.4" and meta["License"] == str(LICENSE)
    assert meta["Issued"] == "2025-01-15"


def test_spreadsheet_rows_are_the_json_grants(client, scene):
    grants = grants_package(client)["grants"]
    expected = [open_data.grant_row(grant) for grant in grants]
    assert sheets_rows(xlsx_sheets(client)["grants"][1:]) == expected
    # A text a spreadsheet would run as a formula is written as text ('=…) in the CSV, and as a
    # text cell (unchanged) in the workbook.
    as_text = [[csv_safe("" if value is None else str(value)) for value in row] for row in expected]
    rows = csv_rows(client)[1:]
    assert rows == as_text
    title = open_data.HEADER.index("Title")
    assert any(row[title].startswith("'=HYPERLINK") for row in rows)
    assert any(row[title].startswith("=HYPERLINK") for row in expected)
    assert isinstance(expected[0][open_data.HEADER.index("Amount Awarded")], int)


def sheets_rows(rows):
    return [list(row) for row in rows]


# Every answer ------------------------------------------------------------------------------

def fetched(client, url: str, **request):
    response = client.get(url, **request)
    response.get_data()  # the downloads stream: read each to the end before the next request
    return response


def test_content_types(client, scene):
    answers = {url: fetched(client, f"{API}/{url}") for url in
               ("catalog", "catalog.jsonld", "catalog.rdf", "360giving.json", "360giving.xlsx", "360giving.csv")}
    assert {url: answer.mimetype for url, answer in answers.items()} == {
        "catalog": "application/ld+json", "catalog.jsonld": "application/ld+json",
        "catalog.rdf": "application/rdf+xml", "360giving.json": "application/json",
        "360giving.xlsx": XLSX, "360giving.csv": "text/csv"}
    assert answers["360giving.csv"].mimetype_params == {"charset": "utf-8"}
    assert "Accept" in answers["catalog"].headers["Vary"]
    for extension in ("xlsx", "csv"):
        assert answers[f"360giving.{extension}"].headers["Content-Disposition"] == \
            f'attachment; filename="hung-yen-360giving.{extension}"'
    for answer in answers.values():
        assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    assert client.get(f"{API}/catalog", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
    assert client.get(f"{API}/catalog", headers={"Accept": "text/html"}).mimetype == "application/ld+json"


def _all_text(client) -> str:
    sheets = xlsx_sheets(client)
    cells = " ".join(str(value) for rows in sheets.values() for row in rows for value in row if value is not None)
    answers = [client.get(f"{API}/{url}").get_data(as_text=True) for url in
               ("catalog.jsonld", "catalog.rdf", "360giving.json", "360giving.csv")]
    answers.append(client.get(f"{API}/catalog", headers={"Accept": "text/turtle"}).get_data(as_text=True))
    return " ".join([cells, *answers])


def test_nothing_private_leaks(client, scene):
    scene.barcodes()
    text = _all_text(client)
    assert EMAIL.search(text) is None, EMAIL.search(text)
    organizations = db.session.scalars(db.select(Organization)).all()
    for organization in organizations:
        for private in (organization.email, organization.phone, organization.representative):
            if private:
                assert private not in text
    for user in (scene.owner, scene.institute, scene.person, scene.reviewer):
        assert user.email not in text and user.full_name not in text
    assert "0309876543" not in text  # an individual's tax code is personal
    assert scene.project.support_decision.signer not in text
    assert scene.project.total_budget_vnd is not None and str(scene.project.total_budget_vnd) not in text


def test_api_page_and_openapi_document_describe_them(client):
    client.set_cookie("lang", "en")
    html = client.get(f"{API}/docs").get_data(as_text=True)
    assert 'id="open-data"' in html
    for path in ("catalog", "catalog.jsonld", "catalog.rdf", "360giving.json", "360giving.xlsx", "360giving.csv"):
        assert f'href="{API}/{path}"' in html, path
        assert f"<code>GET {API}/{path}</code>" in html, path
    document = client.get(f"{API}/openapi.json").get_json()
    operations = {path: ops["get"] for path, ops in document["paths"].items()
                  if path.startswith(("/catalog", "/360giving"))}
    assert set(operations) == {"/catalog", "/catalog.jsonld", "/catalog.rdf", "/360giving.json",
                               "/360giving.xlsx", "/360giving.csv"}
    assert all(operation["security"] == [] and operation["tags"] == ["open-data"] for operation in operations.values())
    assert set(operations["/catalog"]["responses"]["200"]["content"]) == \
        {"application/ld+json", "application/rdf+xml", "text/turtle"}
    assert operations["/360giving.json"]["responses"]["200"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/ThreeSixtyGivingPackage"}


def test_shipped_schemas_are_the_published_ones():
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    # The release 1.4.3, as tagged: its package schema is published at SCHEMA_URI (its $id
    # kept 1.4.2's, see registry/schemas/README.md).
    assert open_data.SCHEMA_URI.endswith("/1.4.3/schema/360-giving-package-schema.json")
    assert package["$id"].endswith("/schema/360-giving-package-schema.json")
    assert package["properties"]["grants"]["items"]["$ref"] == grant["$id"]
    assert grant["title"] == "360Giving Data Standard Schema"
    assert (SCHEMAS / "README.md").read_text().count("CC BY 4.0") >= 1

