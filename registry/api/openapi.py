"""The OpenAPI 3.1 description of API v1 (SPEC section 6), built from the code it describes.

Paths and path parameters come from the blueprint's URL rules, enums from the code tables,
field lists from KIND_FIELDS and limits from the validation rules and the config, so the
document cannot drift from the routes. What the code cannot tell (summaries, who may call, which
status codes a route answers) is written once in OPERATIONS; tests/test_openapi.py checks that
every route has an entry there and that the document is valid OpenAPI 3.1.

The shapes of the answers are written here by hand beside the serializers (serializers.py,
genetics.py, progress.py), and closed: a field they add must be listed here too.
tests/test_openapi_responses.py calls every operation as each role, for each status it lists, and
validates the real answers against these schemas.

Text goes through lazy_gettext: /openapi.json is built in English, the /docs page in the
reader's language.
"""
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from limits import parse as parse_rate_limit

from registry import RowId
from registry.api.views import MAX_PAGE, MAX_PER_PAGE
from registry.models.accounts import ORGANIZATION_TYPES
from registry.models.applications import (
    ACTIONS,
    CHECKLIST,
    CHOICES,
    COMMON_FIELDS,
    DECIDED_KINDS,
    DECISIONS,
    DOCUMENT_TYPES,
    FIELD_LABELS,
    FIELDS,
    IMPLEMENTATION_STATUSES,
    KIND_FIELDS,
    KINDS,
    STATUSES,
    fields_of,
)
from registry.models.councils import (
    ACCEPTANCE_RATINGS,
    COUNCIL_KINDS,
    CONFLICT_REASONS,
    POSITIONS,
    PURPOSES,
)
from registry.models.followup import INSPECTION_CONCLUSIONS, REPORT_STATUSES
from registry.models.genetics import MARKERS
from registry.models.reference import FORMER_PROVINCES, RESOURCE_KINDS, RISK_STATUSES, TARGET_SET_BY
from registry.presenters import PUBLIC_FIELDS
from registry.services import open_data
from registry.services.attachments import ALLOWED as UPLOAD_TYPES
from registry.services.followup import MAX_TEXT as MAX_REPORT_TEXT
from registry.services.support import MAX_AMOUNT_VND
from registry.services.targets import DEADLINE_STATUSES
from registry.services.targets import STATUSES as TARGET_STATUSES
from registry.services.genetics import MAX_SEQUENCE, MIN_SEQUENCE, SAMPLE_ID
from registry.services.records import YEARS
from registry.services.validation import (
    COUNT_FIELDS,
    DATE_FIELDS,
    LIST_FIELDS,
    MAX_MONEY,
    MONEY_FIELDS,
    NULLABLE_TEXT,
    TEXT_LIMITS,
)

API_PREFIX = "/api/v1"
TITLE = "Hưng Yên Biotech Registry API"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MULTIPART = "multipart/form-data"
# What a stored document is served as: the type its content was found to be.
DOCUMENT_MEDIA = tuple(dict.fromkeys(UPLOAD_TYPES.values()))
# Every field of every kind once, in form order.
ALL_FIELDS = tuple(dict.fromkeys([*COMMON_FIELDS, *(f for fields in KIND_FIELDS.values() for f in fields)]))


@dataclass(frozen=True)
class Operation:
    """What the code cannot say about one endpoint of the blueprint."""

    tag: str
    summary: LazyString
    who: LazyString
    public: bool = False
    description: LazyString | str = ""
    parameters: tuple[str, ...] = ()  # names in components.parameters
    body: str | None = None  # a schema in components.schemas
    body_media: str = "application/json"  # or MULTIPART for an upload
    body_required: bool = True
    status: int = 200
    content: dict | None = None  # media type -> schema of the successful response
    errors: tuple[int, ...] = ()
    headers: tuple[str, ...] = ()  # names in components.headers sent with the success


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema_name: str) -> dict:
    return {"application/json": _ref("schemas", schema_name)}


def _content(media_types: dict) -> dict:
    """media type -> schema (None: no schema, e.g. a binary file) as a Content object."""
    return {media: ({"schema": schema} if schema is not None else {}) for media, schema in media_types.items()}


# A JSON-LD document: its context inline, then the graph's nodes (DCAT-AP classes and properties).
JSON_LD = {"type": "object", "required": ["@context", "@graph"],
           "properties": {"@context": {"type": "object"},
                          "@graph": {"type": "array", "items": {"type": "object"}}}}

FILTERS = ("kind", "field", "district", "commune", "former_province", "year", "q")
BARCODE_INPUT = ("sample_id", "marker", "sequence", "genbank_accession", "collected_on", "locality",
                 "latitude", "longitude", "lab")
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429)
READ_ERRORS = (401, 403, 404, 429)
# Every operation may answer 400: the app refuses a NUL in the path or in a query value.
ALWAYS_ERRORS = (400,)

TAGS = {  # name -> (title, description)
    "records": (_l("Approved records"), _l("Public: no token needed.")),
    "applications": (_l("Applications"), _l("The four kinds of application and their workflow: "
                                            "a token is needed.")),
    "targets": (_l("Plan targets"), _l("Where the province stands against the plan's targets: "
                                        "public, counted live.")),
    "resources": (_l("Genetic resources"), _l("Indigenous genetic resources and their DNA barcode "
                                              "records: read by anyone, written by the department.")),
    "councils": (_l("Councils"), _l("Appraisal and acceptance councils: the department forms them; "
                                    "each member declares any conflict of interest on each "
                                    "application, then scores it alone. A token is needed.")),
    "follow-up": (_l("Follow-up"), _l("After the support decision: the owner's progress report every "
                                      "six months and the department's answer, inspections, and "
                                      "acceptance on the acceptance council's rating. A token is needed.")),
    "open-data": (_l("Open data standards"), _l("The registry's datasets in the standards that open-data "
                                                "portals and grant databases already harvest: a DCAT-AP "
                                                "catalogue and the support awards as 360Giving data. "
                                                "Public: no token needed.")),
    "documentation": (_l("Documentation"), _l("This description of the API.")),
}

OPERATIONS = {
    "api.list_records": Operation(
        tag="records", public=True, who=_l("Anyone"),
        summary=_l("List approved records"),
        description=_l("Newest approval first. The search `q` ignores accents and case: "
                       "`dong tao` finds `Đông Tảo`. To read every record, follow `next` (a "
                       "cursor) page after page: each page costs the same however deep."),
        parameters=(*FILTERS, "cursor", "page", "per_page"),
        content=_json("RecordPage"), errors=(401, 422, 429),
    ),
    "api.get_record": Operation(
        tag="records", public=True, who=_l("Anyone"),
        summary=_l("One approved record with its public fields"),
        description=_l("Contact details and private documents are never shown. Records that are "
                       "not approved answer 404."),
        content=_json("PublicRecord"), errors=(401, 404, 429),
    ),
    "api.export_csv": Operation(
        tag="records", public=True, who=_l("Anyone"),
        summary=_l("All approved records as CSV (open data)"),
        description=_l("UTF-8 with a byte-order mark so that spreadsheet programs show Vietnamese "
                       "correctly; lists are joined with `;`. Streamed, so it works for any number "
                       "of records. Takes the same filters as the list."),
        parameters=FILTERS,
        content={"text/csv": {"type": "string"}}, errors=(401, 422, 429),
        headers=("Content-Disposition",),
    ),
    "api.export_xlsx": Operation(
        tag="records", public=True, who=_l("Anyone"),
        summary=_l("All approved records as an Excel workbook (open data)"),
        description=_l("The same columns as the CSV export, in one sheet. Takes the same filters "
                       "as the list."),
        parameters=FILTERS,
        content={XLSX: None}, errors=(401, 422, 429), headers=("Content-Disposition",),
    ),
    "api.list_applications": Operation(
        tag="applications", who=_l("Applicant, reviewer, admin, expert"),
        summary=_l("List applications"),
        description=_l("An applicant sees the applications of their own organisation, drafts "
                       "included; reviewers and admins see every application except drafts; an "
                       "outside expert sees only those they appraise (on a council, having "
                       "declared no conflict of interest). Most recently changed first."),
        parameters=("status", "kind", "page", "per_page"),
        content=_json("ApplicationPage"), errors=(401, 403, 422, 429),
    ),
    "api.create_application": Operation(
        tag="applications", who=_l("Applicant"),
        summary=_l("Create a draft application"),
        description=_l("The fields of the chosen kind (SPEC section 2); a field of another kind is "
                       "refused with 422. The organisation is always the caller's. Answers 201 "
                       "with the record and its address in the Location header."),
        body="ApplicationCreate", status=201, content=_json("Application"),
        errors=(400, 401, 403, 409, 413, 415, 422, 429), headers=("Location", "ETag"),
    ),
    "api.get_application": Operation(
        tag="applications", who=_l("Owner, reviewer, admin, an expert who appraises it"),
        summary=_l("One application with all its fields"),
        description=_l("Includes `status`, `version`, the documents its kind requires "
                       "(`required_documents`) and those still to attach (`missing_documents`), "
                       "and the support decision once recorded. Applications the caller may not "
                       "see answer 404."),
        content=_json("Application"), errors=(401, 403, 404, 429), headers=("ETag",),
    ),
    "api.update_application": Operation(
        tag="applications", who=_l("Owner"),
        summary=_l("Change an application's fields"),
        description=_l("Only while the application is a draft or a revision is requested. The body "
                       "carries the `version` last read (or the If-Match header does) and only the "
                       "fields to change; a stale version answers 409. The kind cannot change."),
        parameters=("If-Match",), body="ApplicationPatch", content=_json("Application"),
        errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.submit_application": Operation(
        tag="applications", who=_l("Owner"),
        summary=_l("Submit an application for screening"),
        description=_l("From draft or revision requested to submitted. No body is needed: without "
                       "a version it acts on the current one. A `version` in the body or an "
                       "If-Match header makes it conditional (409 when stale). An incomplete "
                       "application answers 422 with the missing fields, and one without the "
                       "documents its kind requires with `documents` (upload them first)."),
        parameters=("If-Match",), body="VersionOnly", body_required=False,
        content=_json("Application"), errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.withdraw_application": Operation(
        tag="applications", who=_l("Owner"),
        summary=_l("Withdraw an application"),
        description=_l("From any state before a decision to withdrawn. No body is needed; a "
                       "`version` in the body or an If-Match header makes it conditional, as for "
                       "submitting."),
        parameters=("If-Match",), body="Withdrawal", body_required=False,
        content=_json("Application"), errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.decide_application": Operation(
        tag="applications", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("Approve, reject or request a revision"),
        description=_l("A comment is required to reject or to request a revision. Only an "
                       "application found eligible (in review) is approved, and a project, "
                       "startup or conservation effort only once its selection council has "
                       "recorded a recommending result (409 otherwise). Approval gives the record "
                       "its public code and publishes it."),
        parameters=("If-Match",), body="Decision", content=_json("Application"),
        errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.application_history": Operation(
        tag="applications", who=_l("Owner, reviewer, admin, an expert who appraises it"),
        summary=_l("The history of an application"),
        description=_l("Every change of state, oldest first."),
        content={"application/json": {"type": "array", "items": _ref("schemas", "HistoryEntry")}},
        errors=(401, 403, 404, 429),
    ),
    "api.targets": Operation(
        tag="targets", public=True, who=_l("Anyone"),
        summary=_l("The plan's targets and their progress"),
        description=_l("Counted from the registry at request time (approved projects and startups, "
                       "conserved and DNA-barcoded indigenous resources, the average growth of "
                       "plant-variety filings), from the register of bio-industry enterprises, or "
                       "the latest figure entered by administrators. `as_of` shows the picture on "
                       "a past date; `plan` another plan's targets (by default the plan counted)."),
        parameters=("as_of", "plan"), content=_json("TargetList"), errors=(401, 422, 429),
    ),
    "api.list_resources": Operation(
        tag="resources", public=True, who=_l("Anyone"),
        summary=_l("List genetic resources"),
        description=_l("By code, with the number of DNA barcode records of each."),
        parameters=("page", "per_page"), content=_json("ResourcePage"), errors=(401, 422, 429),
    ),
    "api.get_resource": Operation(
        tag="resources", public=True, who=_l("Anyone"),
        summary=_l("One genetic resource with its latest census"),
        description=_l("For animal breeds, `proposed_risk_status` is the FAO category the latest "
                       "census suggests; `risk_status` is the one an administrator confirmed."),
        content=_json("ResourceDetail"), errors=(401, 404, 429),
    ),
    "api.list_barcodes": Operation(
        tag="resources", public=True, who=_l("Anyone"),
        summary=_l("A resource's DNA barcode records"),
        description=_l("Oldest first."),
        parameters=("marker", "page", "per_page"), content=_json("BarcodePage"),
        errors=(401, 404, 422, 429),
    ),
    "api.barcodes_fasta": Operation(
        tag="resources", public=True, who=_l("Anyone"),
        summary=_l("A resource's DNA barcode records as FASTA"),
        description=_l("Headers are `>sample_id|resource|marker|accession`, sequences wrapped at 70 "
                       "letters. Marker panels without a sequence (SSR, SNP) are left out. Streamed."),
        parameters=("marker",), content={"text/plain": {"type": "string"}},
        errors=(401, 404, 422, 429),
    ),
    "api.create_barcode": Operation(
        tag="resources", who=_l("Reviewer, admin"),
        summary=_l("Add a DNA barcode record"),
        description=_l("The sequence is stored in upper case without whitespace. Answers 201 with "
                       "the record and `warnings`, such as the same sequence being recorded "
                       "already; invalid fields answer 422."),
        body="BarcodeInput", status=201, content=_json("BarcodeCreated"),
        errors=(400, 401, 403, 404, 413, 415, 422, 429),
    ),
    "api.get_checklist": Operation(
        tag="applications", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("The eligibility checklist of an application"),
        description=_l("Internal to the department: the applicant organisation gets 403."),
        content=_json("Checklist"), errors=READ_ERRORS, headers=("ETag",),
    ),
    "api.save_checklist": Operation(
        tag="applications", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("Fill in the eligibility checklist"),
        description=_l("While the application is submitted (waiting for its eligibility check). "
                       "Every item is true or false; items left out are false."),
        parameters=("If-Match",), body="ChecklistInput", content=_json("Checklist"),
        errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.start_review": Operation(
        tag="applications", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("Find an application eligible: on to appraisal"),
        description=_l("From submitted to in review, when every item of the checklist is true "
                       "(422 otherwise: request a revision or reject it instead). The `version` is "
                       "required, in the body or as If-Match."),
        parameters=("If-Match",), body="Version", body_required=False,
        content=_json("Application"), errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.list_documents": Operation(
        tag="applications", who=_l("Whoever may see the application"),
        summary=_l("The documents of an application"),
        description=_l("Oldest first, with the documents its kind requires and those still to "
                       "attach before it can be submitted."),
        content=_json("DocumentList"), errors=READ_ERRORS,
    ),
    "api.upload_document": Operation(
        tag="applications", who=_l("Owner"),
        summary=_l("Attach a document"),
        description=_l("multipart/form-data with the `file` (PDF, DOCX, XLSX, JPG or PNG, checked "
                       "by its content; at most 20 MB), what it is (`document_type`), whether it is "
                       "public once the record is approved (`is_public`), and the application's "
                       "`version` (or If-Match). Only while the application is a draft or a "
                       "revision is requested. Answers 201 with the document; the ETag is the "
                       "application's new version."),
        parameters=("If-Match",), body="DocumentUpload", body_media=MULTIPART, status=201,
        content=_json("Document"), errors=WRITE_ERRORS, headers=("Location", "ETag"),
    ),
    "api.download_document": Operation(
        tag="applications", public=True,
        who=_l("Whoever may see the application; anyone for a public document of an approved record"),
        summary=_l("Download a document"),
        description=_l("Always as a download, in the type its content was found to be. Without a "
                       "token, a document that is not public answers 401; with one, 404."),
        content={media: None for media in DOCUMENT_MEDIA}, errors=(401, 404, 429),
        headers=("Content-Disposition",),
    ),
    "api.delete_document": Operation(
        tag="applications", who=_l("Owner"),
        summary=_l("Remove a document"),
        description=_l("Only while the application is a draft or a revision is requested. The "
                       "`version` is required, in the body or as If-Match. Answers with the "
                       "application."),
        parameters=("If-Match",), body="Version", body_required=False,
        content=_json("Application"), errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.record_support_decision": Operation(
        tag="applications", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("Record the support decision, with its signed PDF"),
        description=_l("Once the application is approved, and once only: for a project or startup "
                       "the decision (quyết định) that supports it, with the support granted in "
                       "`amount_vnd`; for a plant-variety filing or a conservation effort the "
                       "department's confirmation (the national office grants protection). "
                       "multipart/form-data; the signed `file` is a PDF of at most 20 MB. Only then "
                       "does a project or startup count towards the plan's targets. Answers 201 "
                       "with the application."),
        parameters=("If-Match",), body="SupportDecisionInput", body_media=MULTIPART, status=201,
        content=_json("Application"), errors=WRITE_ERRORS, headers=("Location", "ETag"),
    ),
    "api.support_decision_file": Operation(
        tag="applications", who=_l("Owner, reviewer, admin, an expert who appraises it"),
        summary=_l("Download the signed support decision"),
        content={"application/pdf": None}, errors=READ_ERRORS, headers=("Content-Disposition",),
    ),
    "api.list_councils": Operation(
        tag="councils", who=_l("Reviewer, admin, expert"),
        summary=_l("List councils"),
        description=_l("The department sees every council; an outside expert the councils they "
                       "sit on. Newest first."),
        parameters=("page", "per_page"), content=_json("CouncilPage"), errors=(401, 403, 422, 429),
    ),
    "api.create_council": Operation(
        tag="councils", who=_l("Reviewer, admin"),
        summary=_l("Form a council"),
        description=_l("For one or several applications of one kind: for selection, applications "
                       "found eligible (in review); for acceptance, supported records under way; "
                       "none of them before another council of the same purpose. A chair, two "
                       "critical reviewers, a secretary and at least one member, all active "
                       "experts or department staff, none from an applicant organisation. The "
                       "rubric in force today is the council's. Answers 201 with the council."),
        body="CouncilInput", status=201, content=_json("Council"),
        errors=(400, 401, 403, 409, 413, 415, 422, 429), headers=("Location",),
    ),
    "api.get_council": Operation(
        tag="councils", who=_l("Its members, reviewers and admins"),
        summary=_l("One council: members, rubric and its applications"),
        description=_l("For each application, what the caller may see: their own declaration and "
                       "score sheet, who is still scoring (the department and the council's "
                       "secretary only) and the council's result once recorded."),
        content=_json("Council"), errors=READ_ERRORS,
    ),
    "api.declare_conflict": Operation(
        tag="councils", who=_l("A member of the council"),
        summary=_l("Declare any conflict of interest on an application"),
        description=_l("Once, before reading the application; final. A declared conflict takes "
                       "the member off the application. Answers with the application as the "
                       "council's page shows it to the member."),
        body="ConflictInput", content=_json("CouncilAssignment"),
        errors=(400, 401, 403, 404, 409, 413, 415, 422, 429),
    ),
    "api.council_sheets": Operation(
        tag="councils", who=_l("Its members, reviewers and admins"),
        summary=_l("The score sheets the caller may see"),
        description=_l("A member sees their own sheet, and the others' submitted sheets only once "
                       "their own is submitted; the department sees the submitted sheets."),
        content={"application/json": {"type": "array", "items": _ref("schemas", "ScoreSheet")}},
        errors=READ_ERRORS,
    ),
    "api.save_sheet": Operation(
        tag="councils", who=_l("A member of the council who declared no conflict"),
        summary=_l("Save or submit one's own score sheet"),
        description=_l("`points` by criterion id; `version` is the sheet's as last read (0 or "
                       "none for a new sheet; a stale one answers 409). With `submit` true the "
                       "sheet is final: every criterion scored, a recommendation and a comment "
                       "are required. The last sheet records the council's result."),
        body="ScoreSheetInput", content=_json("ScoreSheet"),
        errors=(400, 401, 403, 404, 409, 413, 415, 422, 429),
    ),
    "api.list_progress_reports": Operation(
        tag="follow-up", who=_l("Whoever may see the application"),
        summary=_l("The progress reports a supported record owes"),
        description=_l("One every six months from the decision while its support period runs, each "
                       "with its due date, whether it is overdue, and the report as filed: the "
                       "owner sees their drafts too, the department the reports filed. 404 before "
                       "the support decision."),
        content=_json("ProgressSchedule"), errors=READ_ERRORS,
    ),
    "api.get_progress_report": Operation(
        tag="follow-up", who=_l("Owner; reviewers and admins once it is filed"),
        summary=_l("One progress report"),
        content=_json("ProgressReport"), errors=READ_ERRORS, headers=("ETag",),
    ),
    "api.save_progress_report": Operation(
        tag="follow-up", who=_l("Owner"),
        summary=_l("Save or submit a progress report"),
        description=_l("For a number the schedule has, while the record is under way. `version` is "
                       "the report's as last read (0 or none for a new report; a stale one answers "
                       "409). With `submit` true the report goes to the department: `progress` and "
                       "`spent_vnd` are then required. Only a draft, or a report the department "
                       "asked more of, can be changed."),
        body="ProgressReportInput", content=_json("ProgressReport"),
        errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.upload_progress_document": Operation(
        tag="follow-up", who=_l("Owner"),
        summary=_l("Attach a document to a progress report"),
        description=_l("multipart/form-data with the `file` (PDF, DOCX, XLSX, JPG or PNG, checked by "
                       "its content; at most 20 MB) and the report's `version`, while the report can "
                       "be changed. Answers 201 with the report."),
        body="ProgressDocumentUpload", body_media=MULTIPART, status=201,
        content=_json("ProgressReport"), errors=WRITE_ERRORS, headers=("Location", "ETag"),
    ),
    "api.download_progress_document": Operation(
        tag="follow-up", who=_l("Whoever may see the report"),
        summary=_l("Download a document of a progress report"),
        content={media: None for media in DOCUMENT_MEDIA}, errors=READ_ERRORS,
        headers=("Content-Disposition",),
    ),
    "api.review_progress_report": Operation(
        tag="follow-up", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("Accept a progress report or ask for more"),
        description=_l("Only a submitted report. Asking for more needs a `comment` saying what is "
                       "missing; the owner is told by e-mail. `version` is the report's."),
        body="ProgressReview", content=_json("ProgressReport"), errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.list_inspections": Operation(
        tag="follow-up", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("The department's inspections of a record"),
        description=_l("Oldest first. Internal to the department: the applicant organisation is "
                       "refused."),
        content=_json("InspectionList"), errors=READ_ERRORS,
    ),
    "api.record_inspection": Operation(
        tag="follow-up", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("Record an inspection"),
        description=_l("Of a supported record; final once recorded. Answers 201 with the inspection."),
        body="InspectionInput", status=201, content=_json("Inspection"),
        errors=(400, 401, 403, 404, 409, 413, 415, 422, 429),
    ),
    "api.record_acceptance": Operation(
        tag="follow-up", who=_l("Reviewer, admin (not of the applicant organisation)"),
        summary=_l("Record acceptance (nghiệm thu)"),
        description=_l("Once the acceptance council has rated the record, and once only: the rating is "
                       "the council's; the department records the date and the total disbursed (at "
                       "most the support granted) and, for a failed result, the reasons. Excellent "
                       "or passed ends the record as completed, failed as terminated. The `version` "
                       "is the application's, required here or as If-Match. Answers 201 with the "
                       "application."),
        parameters=("If-Match",), body="AcceptanceInput", status=201, content=_json("Application"),
        errors=WRITE_ERRORS, headers=("ETag",),
    ),
    "api.catalog": Operation(
        tag="open-data", public=True, who=_l("Anyone"),
        summary=_l("The DCAT-AP catalogue of the registry's datasets"),
        description=_l("Approved records, the plan's targets, genetic resources, DNA barcodes and "
                       "the support awards, each with its download and API distributions, licence "
                       "(CC BY 4.0), publisher, contact point, themes, and issue and modification "
                       "dates taken from the data — what CKAN's DCAT harvester (ckanext-dcat) of an "
                       "open-data portal reads. In the serialization the Accept header asks for: "
                       "JSON-LD (the default), RDF/XML or Turtle."),
        content={"application/ld+json": JSON_LD, "application/rdf+xml": {"type": "string"},
                 "text/turtle": {"type": "string"}},
        errors=(401, 429),
    ),
    "api.catalog_jsonld": Operation(
        tag="open-data", public=True, who=_l("Anyone"),
        summary=_l("The DCAT-AP catalogue as JSON-LD"),
        description=_l("The same graph as `/catalog`, always JSON-LD, with its context inline."),
        content={"application/ld+json": JSON_LD}, errors=(401, 429),
    ),
    "api.catalog_rdf": Operation(
        tag="open-data", public=True, who=_l("Anyone"),
        summary=_l("The DCAT-AP catalogue as RDF/XML"),
        description=_l("The same graph as `/catalog`, always RDF/XML: the address to give a DCAT RDF "
                       "harvester."),
        content={"application/rdf+xml": {"type": "string"}}, errors=(401, 429),
    ),
    "api.grants_json": Operation(
        tag="open-data", public=True, who=_l("Anyone"),
        summary=_l("The support awards as 360Giving JSON"),
        description=_l("Every support decision for a public project or startup as a grant of the "
                       "360Giving Data Standard 1.4, in its package form: identifier (prefix "
                       "`360G-hungyendost-` and the public code), title, description, amount "
                       "applied for and awarded in đồng (`VND`), award date, planned dates, "
                       "recipient (an organisation as `VN-TIN-` and its tax code, org-id.guide's "
                       "list of Vietnamese tax identification numbers; an individual or household "
                       "without it), the funder, the beneficiary location (the commune or ward and "
                       "its official code) and when the record last changed. Built once per change "
                       "of the data."),
        content=_json("ThreeSixtyGivingPackage"), errors=(401, 429),
    ),
    "api.grants_xlsx": Operation(
        tag="open-data", public=True, who=_l("Anyone"),
        summary=_l("The support awards as a 360Giving spreadsheet (Excel)"),
        description=_l("The grants of the JSON, one row each, under the column titles of the "
                       "360Giving spreadsheet template (`Recipient Org:Identifier`, …) in the "
                       "sheet `grants`, and the package's metadata in the sheet `Meta`."),
        content={XLSX: None}, errors=(401, 429), headers=("Content-Disposition",),
    ),
    "api.grants_csv": Operation(
        tag="open-data", public=True, who=_l("Anyone"),
        summary=_l("The support awards as a 360Giving spreadsheet (CSV)"),
        description=_l("The rows and columns of the workbook's `grants` sheet, in UTF-8 without a "
                       "byte-order mark, as the 360Giving tools read it."),
        content={"text/csv": {"type": "string"}}, errors=(401, 429), headers=("Content-Disposition",),
    ),
    "api.openapi": Operation(
        tag="documentation", public=True, who=_l("Anyone"),
        summary=_l("This OpenAPI 3.1 document"),
        content={"application/json": {"type": "object"}}, errors=(401, 429),
    ),
    "api.docs": Operation(
        tag="documentation", public=True, who=_l("Anyone"),
        summary=_l("The API documentation as a web page"),
        content={"text/html": {"type": "string"}}, errors=(401, 429),
    ),
}

ERROR_RESPONSES = {
    400: ("BadRequest", _l("The body is not a JSON object, or the request holds a character that "
                           "text cannot: a NUL anywhere, or an unpaired surrogate in the body.")),
    401: ("Unauthorized", _l("A token is needed, or the token sent is not valid (wrong, revoked or "
                             "of a disabled user).")),
    403: ("Forbidden", _l("The caller's role may not do this.")),
    404: ("NotFound", _l("No such record, or one the caller may not see.")),
    409: ("Conflict", _l("The version sent is stale, or the action is not possible in the "
                         "application's current state.")),
    413: ("PayloadTooLarge", _l("The body is too large.")),
    415: ("UnsupportedMediaType", _l("The body must be sent as application/json (an upload as "
                                     "multipart/form-data).")),
    422: ("Unprocessable", _l("Some fields or query arguments are not valid: see `errors`.")),
    429: ("TooManyRequests", _l("Too many requests: wait for the time given in Retry-After.")),
}

PATH_PARAMETERS = {
    "record_id": _l("The record's `id`."),
    "application_id": _l("The application's `id`."),
    "document_id": _l("The document's `id`."),
    "council_id": _l("The council's `id`."),
    "code": _l("The genetic resource's code, such as `ga_dong_tao`."),
    "number": _l("The report's number: the n-th six-month period from the decision."),
}


# Schemas -----------------------------------------------------------------------------------

def _nullable(schema: dict) -> dict:
    schema = dict(schema)
    schema["type"] = [schema["type"], "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _enum(table: dict, description=None) -> dict:
    schema = {"type": "string", "enum": list(table),
              "x-enumDescriptions": {code: str(label) for code, label in table.items()}}
    if description is not None:
        schema["description"] = str(description)
    return schema


def _kinds_of(name: str) -> list[str]:
    return [kind for kind in KINDS if name in fields_of(kind)]


def field_schema(name: str, writing: bool = False) -> dict:
    """One application field as JSON Schema, from the same tables the validation uses."""
    if name in DATE_FIELDS:
        schema = _nullable({"type": "string", "format": "date"})
    elif name in MONEY_FIELDS:
        schema = _nullable({"type": "integer", "minimum": 0, "maximum": MAX_MONEY})
    elif name in COUNT_FIELDS:
        schema = _nullable({"type": "integer", "minimum": COUNT_FIELDS[name]})
    elif name in LIST_FIELDS:
        schema = {"type": "array", "items": _enum(CHOICES[name])}
        if not writing:
            schema["uniqueItems"] = True
    elif name in CHOICES:
        schema = _nullable(_enum(CHOICES[name]))
    elif name in ("district", "resource"):
        schema = _nullable({"type": "string"})
    elif name == "commune":
        schema = _nullable({"type": "string", "pattern": "^[0-9]{5}$"})
    else:
        schema = {"type": "string"}
        if name in TEXT_LIMITS:
            schema["maxLength"] = TEXT_LIMITS[name]
        if name in NULLABLE_TEXT or (writing and name != "title"):
            schema = _nullable(schema)
    if name == "title":
        schema["minLength"] = 5
    if writing and schema["type"] == "array":
        schema = {"type": ["array", "null"], "items": schema["items"]}
    kinds = _kinds_of(name)
    label = FIELD_LABELS[name]
    if len(kinds) < len(KINDS):
        description = _l("%(label)s. Only for kind %(kinds)s.", label=label, kinds=", ".join(kinds))
    else:
        description = label
    if name == "district":
        description = _l("%(label)s: a code from the district table, kept for the records made before "
                         "01/07/2025; never written (send it empty or leave it out).", label=label)
        if not writing:
            schema["readOnly"] = True
    elif name == "commune":
        description = _l("%(label)s: its official five-digit code (the commune-level units of the "
                         "province since 01/07/2025). Required to submit.", label=label)
    elif name == "resource":
        description = _l("%(label)s: a code from the genetic-resource table. Only for kind %(kinds)s.",
                         label=label, kinds=", ".join(kinds))
    schema["description"] = str(description)
    return schema


def _closed(schema: dict) -> dict:
    """An object the API returns: exactly the properties listed, nothing more (a field the
    serializers add without documenting it fails tests/test_openapi_responses.py)."""
    return {**schema, "additionalProperties": False}


def _date() -> dict:
    return {"type": "string", "format": "date"}


def _date_time() -> dict:
    return {"type": "string", "format": "date-time"}


def _schemas() -> dict:
    organization_ref = _closed({"type": "object", "required": ["id", "name"],
                                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    url = {"type": "string", "format": "uri"}
    summary_properties = {
        "id": {"type": "integer"},
        "public_code": {"type": "string", "description": str(_l("Public code, such as HY-CNSH-2026-0001."))},
        "kind": _enum(KINDS),
        "title": {"type": "string"},
        "field": _nullable(_enum(FIELDS)),
        "district": _nullable({"type": "string", "description": str(
            _l("The former district's code, for a record made before 01/07/2025."))}),
        "commune": _nullable({"type": "string", "pattern": "^[0-9]{5}$", "description": str(
            _l("The commune or ward's official code, for a record made since 01/07/2025."))}),
        "former_province": _nullable(_enum(FORMER_PROVINCES, _l(
            "Which of the two provinces merged on 01/07/2025 the record's place lies in."))),
        "organization": {"type": "string", "description": str(_l("The applicant organisation's name."))},
        "approved_on": {"type": "string", "format": "date"},
        "url": {**url, "description": str(_l("The record's public page."))},
    }
    public_fields = [name for name in ALL_FIELDS if name in PUBLIC_FIELDS and name not in summary_properties]
    public_properties = {
        **summary_properties,
        **{name: field_schema(name) for name in public_fields},
        "organization_detail": _closed({
            "type": "object", "required": ["id", "name", "type", "district", "commune"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                           "type": _enum(ORGANIZATION_TYPES),
                           "district": _nullable({"type": "string"}),
                           "commune": _nullable({"type": "string", "pattern": "^[0-9]{5}$"})},
        }),
        "implementation_status": _enum(IMPLEMENTATION_STATUSES),
        "documents": {
            "type": "array",
            "items": _closed({"type": "object", "required": ["name", "url"],
                              "properties": {"name": {"type": "string"}, "url": url}}),
        },
    }
    support_decision = _closed({
        "type": "object",
        "description": str(_l("The support decision; for a plant-variety filing or a conservation "
                              "effort, the department's confirmation (`is_confirmation`).")),
        "required": ["number", "decided_on", "signer", "amount_vnd", "period_start", "period_end",
                     "conditions", "is_confirmation", "recorded_at", "url"],
        "properties": {
            "number": {"type": "string", "maxLength": 60},
            "decided_on": _date(),
            "signer": {"type": "string", "maxLength": 200},
            "amount_vnd": {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_VND},
            "period_start": _nullable(_date()),
            "period_end": _nullable(_date()),
            "conditions": {"type": "string"},
            "is_confirmation": {"type": "boolean"},
            "recorded_at": _date_time(),
            "url": {**url, "description": str(_l("The signed PDF."))},
        },
    })
    application_properties = {
        "id": {"type": "integer", "readOnly": True},
        "kind": _enum(KINDS),
        "status": _enum(STATUSES),
        "version": {"type": "integer", "minimum": 1, "description": str(
            _l("Increases with every change; send it back with the next change."))},
        "organization": organization_ref,
        "former_province": summary_properties["former_province"],
        **{name: field_schema(name) for name in ALL_FIELDS},
        "created_at": _date_time(),
        "updated_at": _date_time(),
        "submitted_at": _nullable(_date_time()),
        "decided_at": _nullable(_date_time()),
        "approved_on": _nullable({"type": "string", "format": "date"}),
        "public_code": _nullable({"type": "string"}),
        "implementation_status": _nullable(_enum(IMPLEMENTATION_STATUSES)),
        "required_documents": {"type": "array", "items": _enum(DOCUMENT_TYPES), "description": str(
            _l("The documents its kind must attach before it is submitted (`document_type`)."))},
        "missing_documents": {"type": "array", "items": _enum(DOCUMENT_TYPES), "description": str(
            _l("Those of `required_documents` not attached yet."))},
        "support_decision": _nullable(support_decision),
        "acceptance": _nullable(_closed({
            "type": "object",
            "description": str(_l("Acceptance (nghiệm thu) as recorded: the acceptance council's rating.")),
            "required": ["rating", "accepted_on", "disbursed_vnd", "reasons", "recorded_at"],
            "properties": {"rating": _enum(ACCEPTANCE_RATINGS), "accepted_on": _date(),
                           "disbursed_vnd": {"type": "integer", "minimum": 0},
                           "reasons": {"type": "string"}, "recorded_at": _date_time()},
        })),
        "url": url,
    }
    version = {"type": "integer", "description": str(
        _l("The `version` of the application as last read: required, here or as the If-Match "
           "header."))}
    optional_version = {"type": "integer", "description": str(
        _l("The `version` of the application as last read; if sent (here or as If-Match), a "
           "stale one answers 409."))}
    resource_properties = {
        "code": {"type": "string"},
        "name_vi": {"type": "string"},
        "name_en": {"type": "string"},
        "scientific_name": {"type": "string"},
        "kind": _enum(RESOURCE_KINDS),
        "indigenous": {"type": "boolean"},
        "risk_status": _enum(RISK_STATUSES, _l("Confirmed by an administrator.")),
        "barcode_count": {"type": "integer", "minimum": 0},
        "barcodes_url": url,
    }
    resource_detail_properties = {
        **resource_properties,
        "latest_census": _nullable(_closed({
            "type": "object",
            "required": ["counted_on", "locality", "breeding_females", "breeding_males", "individuals"],
            "properties": {"counted_on": _date(), "locality": {"type": "string"},
                           **{name: {"type": ["integer", "null"], "minimum": 0}
                              for name in ("breeding_females", "breeding_males", "individuals")}},
        })),
        "proposed_risk_status": _nullable(_enum(RISK_STATUSES)),
    }
    barcode_properties = {
        "sample_id": {"type": "string", "maxLength": 100, "pattern": SAMPLE_ID.pattern},
        "resource": {"type": "string", "readOnly": True},
        "marker": {"type": "string", "enum": list(MARKERS)},
        "sequence": {"type": "string", "maxLength": MAX_SEQUENCE, "description": str(_l(
            "IUPAC nucleotide letters and `-`, case-insensitive, whitespace ignored; %(minimum)s "
            "to %(maximum)s bases. Empty only for SSR and SNP panels.",
            minimum=MIN_SEQUENCE, maximum=MAX_SEQUENCE))},
        "length": {"type": "integer", "minimum": 0, "readOnly": True},
        "genbank_accession": {"type": "string", "description": str(_l("Such as MN123456.1; may be empty."))},
        "collected_on": _nullable(_date()),
        "locality": {"type": "string", "maxLength": 300},
        "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "lab": {"type": "string", "maxLength": 300},
        "created_at": {**_date_time(), "readOnly": True},
    }
    comment = {"type": ["string", "null"]}

    def page_of(item: str, cursor: bool = False) -> dict:
        """A page of items; with `cursor`, also the cursor of the page after it."""
        properties = {
            "items": {"type": "array", "items": _ref("schemas", item)},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        }
        if cursor:
            properties["next"] = {"type": ["string", "null"], "description": str(
                _l("The `cursor` of the page after this one; null on the last."))}
        return _closed({"type": "object", "required": list(properties), "properties": properties})

    def create_schema(kind: str) -> dict:
        return {
            "type": "object", "required": ["kind", "title"],
            "properties": {"kind": {"const": kind},
                           **{name: field_schema(name, writing=True) for name in fields_of(kind)}},
        }


    document_type = _enum(DOCUMENT_TYPES)
    document_codes = {"type": "array", "items": document_type}
    binary = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
    member = _closed({
        "type": "object", "required": ["id", "user_id", "name", "position"],
        "properties": {"id": {"type": "integer", "description": str(_l("The member's id on this council."))},
                       "user_id": {"type": "integer"}, "name": {"type": "string"},
                       "position": _enum(POSITIONS)},
    })
    council_summary = {
        "id": {"type": "integer"},
        "purpose": _enum(PURPOSES),
        "kind": _enum({kind: KINDS[kind] for kind in COUNCIL_KINDS}),
        "name": {"type": "string"},
        "decision_number": {"type": "string"},
        "formed_on": _date(),
        "meets_on": _nullable(_date()),
        "my_position": _nullable(_enum(POSITIONS, _l("The caller's position on it, if a member."))),
        "member_count": {"type": "integer", "minimum": 0},
        "application_ids": {"type": "array", "items": {"type": "integer"}},
        "url": url,
    }
    member_ids = {"type": "array", "items": {"type": "integer"},
                  "description": str(_l("Members by their id on the council."))}
    points = {"type": "object", "propertyNames": {"pattern": "^[0-9]+$"},
              "additionalProperties": {"type": "integer", "minimum": 0},
              "description": str(_l("Points by criterion id."))}
    score_sheet = _closed({
        "type": "object",
        "required": ["id", "member", "points", "total", "recommends", "comment", "submitted_at",
                     "updated_at", "version"],
        "properties": {
            "id": {"type": "integer"},
            "member": member,
            "points": points,
            "total": {"type": "integer", "minimum": 0},
            "recommends": {"type": ["boolean", "null"]},
            "comment": {"type": "string"},
            "submitted_at": _nullable(_date_time()),
            "updated_at": _date_time(),
            "version": {"type": "integer", "minimum": 1, "description": str(
                _l("The sheet's version: send it back with the next change."))},
        },
    })
    council_schemas = {
        "Document": _closed({
            "type": "object",
            "required": ["id", "name", "document_type", "content_type", "size_bytes", "sha256",
                         "is_public", "uploaded_at", "url"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string", "description": str(_l("The file's name as uploaded."))},
                "document_type": document_type,
                "content_type": {"type": "string", "enum": list(DOCUMENT_MEDIA)},
                "size_bytes": {"type": "integer", "minimum": 1},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "is_public": {"type": "boolean", "description": str(
                    _l("Shown with the public record once the application is approved."))},
                "uploaded_at": _date_time(),
                "url": {**url, "description": str(_l("Where to download it."))},
            },
        }),
        "DocumentList": _closed({
            "type": "object", "required": ["items", "required_documents", "missing_documents"],
            "properties": {"items": {"type": "array", "items": _ref("schemas", "Document")},
                           "required_documents": document_codes, "missing_documents": document_codes},
        }),
        "DocumentUpload": {
            "type": "object", "required": ["file", "document_type"],
            "properties": {
                "file": binary,
                "document_type": document_type,
                "is_public": {"type": "boolean", "default": False},
                "version": version,
            },
        },
        "SupportDecisionInput": {
            "type": "object", "required": ["file", "number", "decided_on", "signer"],
            "properties": {
                "file": {**binary, "description": str(_l("The signed decision, a PDF."))},
                "number": {"type": "string", "maxLength": 60,
                           "description": str(_l("Its number and symbol, such as 123/QĐ-UBND."))},
                "decided_on": {**_date(), "description": str(_l("Not in the future, nor before the approval."))},
                "signer": {"type": "string", "maxLength": 200},
                "amount_vnd": {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_VND,
                               "description": str(_l("The support granted in đồng: required for a "
                                                     "project or startup, ignored otherwise."))},
                "period_start": _date(),
                "period_end": _date(),
                "conditions": {"type": "string", "maxLength": 5000},
                "version": version,
            },
        },
        "Version": {"type": "object", "properties": {"version": version}},
        "Checklist": _closed({
            "type": "object", "required": ["version", "status", "checklist", "passed"],
            "properties": {
                "version": {"type": "integer", "minimum": 1},
                "status": _enum(STATUSES),
                "checklist": _closed({"type": "object", "required": list(CHECKLIST),
                                      "properties": {code: {"type": "boolean", "description": str(text)}
                                                     for code, text in CHECKLIST.items()}}),
                "passed": {"type": "boolean", "description": str(_l("Every item is true."))},
            },
        }),
        "ChecklistInput": {
            "type": "object", "required": ["checklist"],
            "properties": {
                "checklist": {"type": "object", "additionalProperties": False,
                              "properties": {code: {"type": "boolean", "description": str(text)}
                                             for code, text in CHECKLIST.items()}},
                "version": version,
            },
        },
        "CouncilSummary": _closed({"type": "object", "required": list(council_summary),
                                   "properties": council_summary}),
        "CouncilPage": page_of("CouncilSummary"),
        "Council": _closed({
            "type": "object",
            "required": [*council_summary, "rubric", "members", "can_see_progress", "assignments"],
            "properties": {
                **council_summary,
                "rubric": _closed({
                    "type": "object",
                    "required": ["id", "number", "pass_mark", "excellent_mark", "majority_percent",
                                 "total_points", "criteria"],
                    "properties": {
                        "id": {"type": "integer"}, "number": {"type": "integer", "minimum": 1},
                        "pass_mark": {"type": "integer"}, "excellent_mark": {"type": "integer"},
                        "majority_percent": {"type": "integer"}, "total_points": {"type": "integer"},
                        "criteria": {"type": "array", "items": _closed({
                            "type": "object", "required": ["id", "position", "name_vi", "name_en", "max_points"],
                            "properties": {"id": {"type": "integer"}, "position": {"type": "integer"},
                                           "name_vi": {"type": "string"}, "name_en": {"type": "string"},
                                           "max_points": {"type": "integer", "minimum": 1}},
                        })},
                    },
                }),
                "members": {"type": "array", "items": member},
                "can_see_progress": {"type": "boolean", "description": str(
                    _l("Whether the caller sees who is still scoring: the department and the secretary."))},
                "assignments": {"type": "array", "items": _ref("schemas", "CouncilAssignment")},
            },
        }),
        "CouncilAssignment": _closed({
            "type": "object",
            "required": ["application", "declaration", "can_declare", "can_read", "can_score",
                         "own_sheet", "progress", "result", "sheets_url"],
            "properties": {
                "application": _closed({
                    "type": "object", "required": ["id", "kind", "title", "organization"],
                    "properties": {"id": {"type": "integer"}, "kind": _enum(KINDS),
                                   "title": {"type": "string"}, "organization": {"type": "string"}},
                }),
                "declaration": _nullable(_closed({
                    "type": "object", "description": str(_l("The caller's own declaration.")),
                    "required": ["has_conflict", "reasons", "explanation", "declared_at"],
                    "properties": {"has_conflict": {"type": "boolean"},
                                   "reasons": {"type": "array", "items": _enum(CONFLICT_REASONS)},
                                   "explanation": {"type": "string"}, "declared_at": _date_time()},
                })),
                "can_declare": {"type": "boolean"},
                "can_read": {"type": "boolean", "description": str(
                    _l("Whether the caller may read the application in full."))},
                "can_score": {"type": "boolean"},
                "own_sheet": _nullable(score_sheet),
                "progress": _nullable(_closed({
                    "type": "object", "required": ["still_scoring", "submitted", "declared_conflict"],
                    "properties": {"still_scoring": member_ids, "submitted": member_ids,
                                   "declared_conflict": member_ids},
                })),
                "result": _nullable(_closed({
                    "type": "object",
                    "description": str(_l("The council's result, once every member still on the "
                                          "application has submitted: what approval stands on.")),
                    "required": ["completed_at", "scorers", "recommending", "recommended", "mean_total",
                                 "lowest_total", "highest_total", "spread", "criteria", "rating"],
                    "properties": {
                        "completed_at": _date_time(),
                        "scorers": {"type": "integer", "minimum": 1},
                        "recommending": {"type": "integer", "minimum": 0},
                        "recommended": {"type": "boolean"},
                        "mean_total": {"type": "number", "minimum": 0, "maximum": 100},
                        "lowest_total": {"type": "integer"},
                        "highest_total": {"type": "integer"},
                        "spread": {"type": "integer", "minimum": 0},
                        "criteria": {"type": "array", "items": _closed({
                            "type": "object", "required": ["criterion_id", "mean"],
                            "properties": {"criterion_id": {"type": "integer"}, "mean": {"type": "number"}},
                        })},
                        "rating": _nullable(_enum(ACCEPTANCE_RATINGS, _l("Acceptance councils only."))),
                    },
                })),
                "sheets_url": url,
            },
        }),
        "ScoreSheet": score_sheet,
        "CouncilInput": {
            "type": "object",
            "required": ["purpose", "kind", "name", "formed_on", "members", "application_ids"],
            "properties": {
                "purpose": _enum(PURPOSES),
                "kind": _enum({kind: KINDS[kind] for kind in COUNCIL_KINDS}),
                "name": {"type": "string", "minLength": 3, "maxLength": 300},
                "decision_number": {"type": "string", "maxLength": 60},
                "formed_on": {**_date(), "description": str(_l("Not in the future."))},
                "meets_on": _nullable(_date()),
                "members": {"type": "array", "items": {
                    "type": "object", "required": ["user_id", "position"],
                    "properties": {"user_id": {"type": "integer"}, "position": _enum(POSITIONS)},
                }},
                "application_ids": {"type": "array", "items": {"type": "integer"}},
            },
        },
        "ConflictInput": {
            "type": "object", "required": ["has_conflict"],
            "properties": {
                "has_conflict": {"type": "boolean"},
                "reasons": {"type": "array", "items": _enum(CONFLICT_REASONS),
                            "description": str(_l("Required with a conflict, forbidden without."))},
                "explanation": {"type": "string", "maxLength": 2000,
                                "description": str(_l("Required with the reason `other`."))},
            },
        },
        "ScoreSheetInput": {
            "type": "object",
            "properties": {
                "points": {**points, "additionalProperties": {"type": ["integer", "null"], "minimum": 0}},
                "recommends": {"type": ["boolean", "null"]},
                "comment": {"type": "string", "maxLength": 10_000},
                "version": {"type": ["integer", "null"], "description": str(
                    _l("The sheet's version as last read; 0 or null for a new sheet."))},
                "submit": {"type": "boolean", "default": False},
            },
        },
    }
    report_text = {"type": "string", "maxLength": MAX_REPORT_TEXT}
    report_version = {"type": "integer", "minimum": 1, "description": str(
        _l("The report's version: send it back with the next change."))}
    progress_report = _closed({
        "type": "object",
        "required": ["number", "due_on", "status", "progress", "spent_vnd", "products", "problems",
                     "submitted_at", "reviewed_at", "review_comment", "version", "documents", "url"],
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "due_on": _date(),
            "status": _enum(REPORT_STATUSES),
            "progress": {"type": "string", "description": str(_l("How the work stands against the milestones."))},
            "spent_vnd": {"type": ["integer", "null"], "minimum": 0, "description": str(
                _l("Of the support granted, spent so far, in đồng."))},
            "products": {"type": "string"},
            "problems": {"type": "string"},
            "submitted_at": _nullable(_date_time()),
            "reviewed_at": _nullable(_date_time()),
            "review_comment": {"type": "string", "description": str(
                _l("What the department asked for, or its note on accepting."))},
            "version": report_version,
            "documents": {"type": "array", "items": _closed({
                "type": "object",
                "required": ["id", "name", "content_type", "size_bytes", "sha256", "uploaded_at", "url"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                               "content_type": {"type": "string", "enum": list(DOCUMENT_MEDIA)},
                               "size_bytes": {"type": "integer", "minimum": 1},
                               "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                               "uploaded_at": _date_time(), "url": url},
            })},
            "url": url,
        },
    })
    inspection = _closed({
        "type": "object",
        "required": ["id", "inspected_on", "inspectors", "findings", "conclusion", "recorded_by", "recorded_at"],
        "properties": {"id": {"type": "integer"}, "inspected_on": _date(),
                       "inspectors": {"type": "string", "maxLength": 500}, "findings": {"type": "string"},
                       "conclusion": _enum(INSPECTION_CONCLUSIONS),
                       "recorded_by": {"type": "string"}, "recorded_at": _date_time()},
    })
    followup_schemas = {
        "ProgressReport": progress_report,
        "ProgressSchedule": _closed({
            "type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": _closed({
                "type": "object", "required": ["number", "due_on", "overdue", "report"],
                "properties": {"number": {"type": "integer", "minimum": 1}, "due_on": _date(),
                               "overdue": {"type": "boolean", "description": str(
                                   _l("Past its due date with nothing filed, while the record is under way."))},
                               "report": {"anyOf": [_ref("schemas", "ProgressReport"), {"type": "null"}]}},
            })}},
        }),
        "ProgressReportInput": {
            "type": "object",
            "properties": {
                "progress": report_text, "products": report_text, "problems": report_text,
                "spent_vnd": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_AMOUNT_VND},
                "submit": {"type": "boolean", "default": False},
                "version": {"type": ["integer", "null"], "description": str(
                    _l("The report's version as last read; 0 or null for a new report."))},
            },
        },
        "ProgressDocumentUpload": {
            "type": "object", "required": ["file", "version"],
            "properties": {"file": binary, "version": {"type": "integer", "description": str(
                _l("The report's version as last read."))}},
        },
        "ProgressReview": {
            "type": "object", "required": ["decision", "version"],
            "properties": {
                "decision": {"type": "string", "enum": ["accept", "request_more"]},
                "comment": {"type": "string", "maxLength": MAX_REPORT_TEXT, "description": str(
                    _l("Required to ask for more; sent to the owner."))},
                "version": {"type": "integer", "description": str(_l("The report's version as last read."))},
            },
        },
        "Inspection": inspection,
        "InspectionList": _closed({"type": "object", "required": ["items"],
                                   "properties": {"items": {"type": "array", "items": inspection}}}),
        "InspectionInput": {
            "type": "object", "required": ["inspected_on", "inspectors", "findings", "conclusion"],
            "properties": {"inspected_on": {**_date(), "description": str(_l("Not in the future."))},
                           "inspectors": {"type": "string", "maxLength": 500},
                           "findings": {"type": "string", "maxLength": MAX_REPORT_TEXT},
                           "conclusion": _enum(INSPECTION_CONCLUSIONS)},
        },
        "AcceptanceInput": {
            "type": "object", "required": ["accepted_on", "disbursed_vnd"],
            "properties": {
                "accepted_on": {**_date(), "description": str(
                    _l("Not in the future, nor before the support decision."))},
                "disbursed_vnd": {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_VND,
                                  "description": str(_l("The total disbursed, in đồng: at most the support granted."))},
                "reasons": {"type": "string", "maxLength": MAX_REPORT_TEXT, "description": str(
                    _l("Required when the council's rating is failed."))},
                "version": version,
            },
        },
    }
    create_kinds = {kind: f"ApplicationCreate_{kind}" for kind in KINDS}
    return {
        "Error": _closed({
            "type": "object", "required": ["error", "errors"],
            "properties": {
                "error": {"type": "string", "description": str(_l("What went wrong, in the request's language."))},
                "errors": {"type": "object", "description": str(_l("Messages per field or query argument.")),
                           "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        }),
        "RecordSummary": _closed({"type": "object", "required": list(summary_properties),
                                  "properties": summary_properties}),
        "PublicRecord": _closed({
            "type": "object", "description": str(_l("The kind's own public fields only.")),
            "required": [*summary_properties, "organization_detail", "implementation_status", "documents"],
            "properties": public_properties,
        }),
        "Application": _closed({
            "type": "object",
            "description": str(_l("Every field of the application's kind; fields of other kinds are absent.")),
            "required": [name for name in application_properties
                         if name not in ALL_FIELDS or name in COMMON_FIELDS],
            "properties": application_properties,
        }),
        **{name: create_schema(kind) for kind, name in create_kinds.items()},
        "ApplicationCreate": {
            "description": str(_l("`kind` and the fields of that kind; `title` is required, the "
                                  "other fields only for submission.")),
            "oneOf": [_ref("schemas", name) for name in create_kinds.values()],
            "discriminator": {"propertyName": "kind",
                              "mapping": {kind: f"#/components/schemas/{name}"
                                          for kind, name in create_kinds.items()}},
        },
        "ApplicationPatch": {
            "type": "object",
            "description": str(_l("`version` and the fields to change, of the application's kind.")),
            "properties": {"version": version, "kind": _enum(KINDS, _l("If sent, the current kind.")),
                           **{name: field_schema(name, writing=True) for name in ALL_FIELDS}},
        },
        "VersionOnly": {"type": "object", "properties": {"version": optional_version}},
        "Withdrawal": {"type": "object", "properties": {"version": optional_version, "comment": comment}},
        "Decision": {
            "type": "object", "required": ["decision"],
            "properties": {
                "decision": {"type": "string", "enum": list(DECISIONS)},
                "comment": {**comment, "description": str(
                    _l("Required to reject or to request a revision; sent to the applicant."))},
                "version": version,
            },
        },
        "HistoryEntry": _closed({
            "type": "object", "required": ["at", "actor", "action", "from_status", "to_status", "comment"],
            "properties": {
                "at": _date_time(),
                "actor": {"type": "string", "description": str(_l("Who did it."))},
                "action": _enum(ACTIONS),
                "from_status": _nullable(_enum(STATUSES)),
                "to_status": _enum(STATUSES),
                "comment": {"type": "string"},
            },
        }),
        "Target": _closed({
            "type": "object",
            "required": ["code", "plan", "title", "target_min", "target_max", "target_set_by",
                         "definition", "unit", "window_start", "deadline", "current", "accepted",
                         "status", "period_ended", "status_at_deadline"],
            "properties": {
                "code": {"type": "string"},
                "plan": {"type": "string", "description": str(_l("The code of the plan the target belongs to."))},
                "title": {"type": "string"},
                "target_min": {"type": ["number", "null"],
                               "description": str(_l("Null when nobody set a number (a registry "
                                                     "indicator)."))},
                "target_max": {"type": ["number", "null"]},
                "target_set_by": _enum(TARGET_SET_BY, _l("Who set the number: the plan, the "
                                                         "department, or nobody (a figure the "
                                                         "registry follows without a target).")),
                "definition": {"type": "string",
                               "description": str(_l("How the figure is measured where the plan "
                                                     "leaves it open; empty otherwise."))},
                "unit": {"type": "string"},
                "window_start": _nullable(_date()),
                "deadline": _date(),
                "current": {"type": ["number", "null"],
                            "description": str(_l("Percentages are numbers in percent (13.1). After "
                                                  "the deadline, the figure the target ended with."))},
                "accepted": {"type": ["integer", "null"],
                             "description": str(_l("Supported projects and startups: how many of those "
                                                   "counted in `current` have passed acceptance; null "
                                                   "for the other targets."))},
                "status": _enum(TARGET_STATUSES),
                "period_ended": {"type": "boolean",
                                 "description": str(_l("The date asked is after the deadline."))},
                "status_at_deadline": _nullable(_enum(
                    {code: TARGET_STATUSES[code] for code in DEADLINE_STATUSES},
                    _l("With `status` `period_ended`: what the target came to by its deadline; "
                       "null otherwise."))),
            },
        }),
        "Plan": _closed({
            "type": "object",
            "required": ["code", "title", "issuer", "number", "issued_on", "issued_on_exact", "area",
                         "period_start", "period_end", "is_counted"],
            "properties": {
                "code": {"type": "string"},
                "title": {"type": "string"},
                "issuer": {"type": "string"},
                "number": {"type": "string", "description": str(_l("As printed (\"/KH-UBND\" when the "
                                                                   "copy leaves the number blank)."))},
                "issued_on": _date(),
                "issued_on_exact": {"type": "boolean",
                                    "description": str(_l("False when the plan gives only the month: "
                                                          "`issued_on` is then its first day."))},
                "area": {"type": "string"},
                "period_start": _date(),
                "period_end": _date(),
                "is_counted": {"type": "boolean",
                               "description": str(_l("The plan the registry follows by default."))},
            },
        }),
        "TargetList": _closed({
            "type": "object", "required": ["as_of", "plan", "targets"],
            "properties": {"as_of": _date(),
                           "plan": {"anyOf": [_ref("schemas", "Plan"), {"type": "null"}]},
                           "targets": {"type": "array", "items": _ref("schemas", "Target")}},
        }),
        "Resource": _closed({"type": "object", "required": list(resource_properties),
                             "properties": resource_properties}),
        "ResourceDetail": _closed({
            "type": "object", "required": list(resource_detail_properties),
            "description": str(_l("A single resource also has `latest_census` and "
                                  "`proposed_risk_status`.")),
            "properties": resource_detail_properties,
        }),
        "BarcodeRecord": _closed({"type": "object", "required": list(barcode_properties),
                                  "properties": barcode_properties}),
        "BarcodeCreated": _closed({
            "type": "object", "required": [*barcode_properties, "warnings"],
            "properties": {**barcode_properties,
                           "warnings": {"type": "array", "items": {"type": "string"}}},
        }),
        "BarcodeInput": {
            "type": "object", "required": ["sample_id", "marker"],
            "properties": {name: barcode_properties[name] for name in BARCODE_INPUT},
        },
        "ResourcePage": page_of("Resource"),
        "BarcodePage": page_of("BarcodeRecord"),
        "RecordPage": page_of("RecordSummary", cursor=True),
        "ApplicationPage": page_of("Application"),
        **council_schemas,
        **followup_schemas,
        **_open_data_schemas(),
    }


def _open_data_schemas() -> dict:
    """What /360giving.json holds: a package of the 360Giving Data Standard, of the fields the
    registry fills (the standard's own schema, shipped in registry/schemas/, allows more; the
    tests validate the answer against it too)."""
    url = {"type": "string", "format": "uri"}

    def named(*required: str, **properties) -> dict:
        schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = list(required)
        return _closed(schema)

    text = {"type": "string"}
    organization = named("id", "name", id=text, name=text)
    return {
        "ThreeSixtyGivingPackage": _closed({
            "type": "object",
            "description": str(_l("The 360Giving package: its metadata and the grants, oldest award first.")),
            "required": ["version", "title", "description", "identifier", "publisher", "downloadURL",
                         "accessURL", "license", "grants"],
            "properties": {
                "version": {"type": "string", "const": open_data.STANDARD_VERSION, "description": str(
                    _l("The version of the 360Giving Data Standard."))},
                "title": text,
                "description": text,
                "identifier": text,
                "publisher": named("identifier", "name", "website", identifier=text, name=text, website=url),
                "downloadURL": url,
                "accessURL": url,
                "license": {**url, "description": str(_l("The open licence of the data (CC BY 4.0)."))},
                "issued": {**_date(), "description": str(_l("The first award's date; absent without awards."))},
                "modified": {**_date_time(), "description": str(
                    _l("When a record of the package last changed; absent without awards."))},
                "grants": {"type": "array", "items": _ref("schemas", "ThreeSixtyGivingGrant")},
            },
        }),
        "ThreeSixtyGivingGrant": _closed({
            "type": "object",
            "description": str(_l("One support decision as a 360Giving grant. An organisation is the "
                                  "`recipientOrganization`, an individual or household the "
                                  "`recipientIndividual`: each grant has one of the two.")),
            "required": ["id", "title", "description", "currency", "amountAwarded", "awardDate", "url",
                         "fundingOrganization", "beneficiaryLocation", "grantProgramme", "dateModified",
                         "dataSource"],
            "properties": {
                "id": {"type": "string", "pattern": f"^{open_data.GRANT_PREFIX}-", "description": str(
                    _l("The publisher's prefix and the record's public code."))},
                "title": text,
                "description": {"type": "string", "description": str(_l("The summary (the title when there is none)."))},
                "currency": {"type": "string", "const": "VND"},
                "amountAppliedFor": {"type": "integer", "minimum": 0, "description": str(
                    _l("The support requested (a project) or the funding sought (a startup), in đồng."))},
                "amountAwarded": {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_VND, "description": str(
                    _l("The support granted by the decision, in đồng."))},
                "awardDate": {**_date(), "description": str(_l("The date of the support decision."))},
                "url": {**url, "description": str(_l("The record's public page."))},
                "plannedDates": {"type": "array", "items": named(startDate=_date(), endDate=_date()),
                                 "description": str(_l("The decision's support period, or else the "
                                                       "record's own start and end dates."))},
                "recipientOrganization": {"type": "array", "minItems": 1, "maxItems": 1, "items": organization,
                                          "description": str(_l("`id`: `VN-TIN-` and the tax code, or "
                                                                "`360G-hungyendost-ORG-` and the registry's "
                                                                "number of an organisation without one."))},
                "recipientIndividual": {**organization, "description": str(
                    _l("`id`: `360G-hungyendost-IND-` and the registry's number; never a tax code."))},
                "fundingOrganization": {"type": "array", "minItems": 1, "maxItems": 1, "items": organization},
                "beneficiaryLocation": {"type": "array", "minItems": 1, "maxItems": 1, "items": named(
                    "name", "countryCode", name=text, countryCode={"type": "string", "const": "VN"},
                    geoCode={"type": "string", "pattern": "^[0-9]{5}$", "description": str(
                        _l("The commune or ward's official code."))},
                    geoCodeType={"type": "string", "const": open_data.GEO_CODE_TYPE})},
                "grantProgramme": {"type": "array", "minItems": 1, "maxItems": 1, "items": named(
                    "code", "title", code={"type": "string", "enum": list(DECIDED_KINDS)}, title=text)},
                "dateModified": {**_date_time(), "description": str(_l("When the record last changed."))},
                "dataSource": {**url, "description": str(_l("The record in this API."))},
            },
        }),
    }


def _parameters() -> dict:
    per_page = current_app.config["PER_PAGE"]

    def query(name: str, schema: dict, description) -> dict:
        return {"name": name, "in": "query", "required": False, "schema": schema,
                "description": str(description)}

    return {
        "kind": query("kind", _enum(KINDS), _l("Only this kind.")),
        "field": query("field", _enum(FIELDS), _l("Only this field.")),
        "district": query("district", {"type": "string"},
                          _l("Only this former district (a district code): records made before 01/07/2025.")),
        "commune": query("commune", {"type": "string", "pattern": "^[0-9]{5}$"},
                         _l("Only this commune or ward (its official five-digit code).")),
        "former_province": query("former_province", _enum(FORMER_PROVINCES),
                                 _l("Only records whose place lies in this former province.")),
        "year": query("year", {"type": "integer", "minimum": YEARS.start, "maximum": YEARS.stop - 1},
                      _l("Only records approved in this year.")),
        "q": query("q", {"type": "string"},
                   _l("Search in titles, summaries and names; accents optional (the first 200 "
                      "characters count).")),
        "page": query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                      _l("Page number, from 1.")),
        "cursor": query("cursor", {"type": "string", "maxLength": 40},
                        _l("The `next` of the page before: the page after it (`page` is then "
                           "not looked at).")),
        "per_page": query("per_page", {"type": "integer", "minimum": 1, "default": per_page},
                          _l("Items per page; more than %(maximum)s gives %(maximum)s.",
                             maximum=MAX_PER_PAGE)),
        "as_of": query("as_of", _date(), _l("The picture on this date (YYYY-MM-DD); today by "
                                            "default.")),
        "plan": query("plan", {"type": "string"}, _l("The targets of this plan (its code); by "
                                                     "default those of the plan the registry "
                                                     "counts. An unknown code answers 422.")),
        "If-Match": {"name": "If-Match", "in": "header", "required": False,
                     "schema": {"type": "string"},
                     "description": str(_l("The ETag of the application as last read, such as "
                                           "`\"3\"`: a stale one answers 409. Instead of, or as "
                                           "well as, `version` in the body."))},
        "marker": query("marker", {"type": "string", "enum": list(MARKERS)}, _l("Only this marker.")),
        "status": query("status", _enum(STATUSES),
                        _l("Only this status (`draft` for applicants only).")),
    }


# Paths -------------------------------------------------------------------------------------

_RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def openapi_path(rule: str) -> str:
    """/api/v1/records/<int:record_id> -> /records/{record_id} (relative to the server URL)."""
    if not rule.startswith(API_PREFIX):
        raise ValueError(f"{rule} is not under {API_PREFIX}")
    return _RULE_ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule[len(API_PREFIX):])


def _path_parameters(rule: str) -> list[dict]:
    parameters = []
    for match in _RULE_ARGUMENT.finditer(rule):
        if match["converter"] == "int":  # a row id: past RowId.MAX it names no row (404)
            schema = {"type": "integer", "minimum": 0, "maximum": RowId.MAX}
        else:
            schema = {"type": "string"}
        parameter = {"name": match["name"], "in": "path", "required": True, "schema": schema}
        if match["name"] in PATH_PARAMETERS:
            parameter["description"] = str(PATH_PARAMETERS[match["name"]])
        parameters.append(parameter)
    return parameters


def _operation(endpoint: str, op: Operation, rule: str) -> dict:
    success = {"description": str(op.summary), "content": _content(op.content)}
    if op.headers:
        success["headers"] = {name: _ref("headers", name) for name in op.headers}
    operation = {
        "operationId": endpoint.removeprefix("api."),
        "tags": [op.tag],
        "summary": str(op.summary),
        "x-who": str(op.who),
        "security": [] if op.public else [{"bearer": []}],
        "parameters": [*_path_parameters(rule), *(_ref("parameters", name) for name in op.parameters)],
        "responses": {
            str(op.status): success,
            **{str(code): _ref("responses", ERROR_RESPONSES[code][0])
               for code in sorted({*ALWAYS_ERRORS, *op.errors})},
        },
    }
    if op.description:
        operation["description"] = str(op.description)
    if op.body:
        operation["requestBody"] = {"required": op.body_required,
                                    "content": _content({op.body_media: _ref("schemas", op.body)})}
    return operation


def _paths() -> dict:
    paths: dict[str, dict] = {}
    for endpoint, op in OPERATIONS.items():
        for rule in current_app.url_map.iter_rules(endpoint):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = _operation(endpoint, op, rule.rule)
    return paths


# The document ------------------------------------------------------------------------------

def rate_limit() -> tuple[int, int]:
    """(requests, seconds) of the configured API rate limit."""
    item = parse_rate_limit(current_app.config["API_RATE_LIMIT"])
    return item.amount, item.get_expiry()


def build_document() -> dict:
    """The OpenAPI 3.1 document, its text in the current locale. Needs an app context."""
    requests, seconds = rate_limit()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": "1",
            "summary": str(_l("Approved biotech records of Hưng Yên province, and applications to "
                              "the Department of Science and Technology.")),
            "description": str(_l(
                "JSON in and out, UTF-8. Send `Authorization: Bearer <token>`; a user creates "
                "tokens on their profile page. Errors are `{\"error\": ..., \"errors\": {field: "
                "[messages]}}`. At most %(requests)s requests per %(seconds)s seconds per token "
                "(per address without one).", requests=requests, seconds=seconds)),
        },
        "servers": [{"url": API_PREFIX}],
        "tags": [{"name": name, "x-displayName": str(title), "description": str(text)}
                 for name, (title, text) in TAGS.items()],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": str(_l("A personal token from the profile page, or from "
                                      "`flask --app app create-token EMAIL`.")),
            }},
            "schemas": _schemas(),
            "parameters": _parameters(),
            "headers": {
                "Location": {"description": str(_l("The new application's address.")),
                             "schema": {"type": "string"}},
                "ETag": {"description": str(_l("The application's `version` in quotes, such as "
                                               "`\"3\"`: send it back as If-Match.")),
                         "schema": {"type": "string", "pattern": '^"[0-9]+"$'}},
                "Content-Disposition": {"description": str(_l("A download, with a file name.")),
                                        "schema": {"type": "string"}},
                "Retry-After": {"description": str(_l("Seconds to wait.")), "schema": {"type": "integer"}},
                "WWW-Authenticate": {"schema": {"type": "string"}},
            },
            "responses": {
                name: {
                    "description": str(text),
                    "content": _content(_json("Error")),
                    **({"headers": {"Retry-After": _ref("headers", "Retry-After")}} if code == 429 else {}),
                    **({"headers": {"WWW-Authenticate": _ref("headers", "WWW-Authenticate")}} if code == 401 else {}),
                }
                for code, (name, text) in ERROR_RESPONSES.items()
            },
        },
    }
