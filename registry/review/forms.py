"""Forms of the review area: the queue's filters and the screening actions.

The rules themselves (a comment to reject, no deciding on your own organisation, the version
check) live in `registry.services.applications`; these forms only read the request.
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from registry.forms import COMMUNE_SEARCH, LocalizedIntegerField, MultiCheckboxField, PlainIntegerField, VersionForm, choices
from registry.numbers import MONEY
from registry.models.annual_reports import SECTION_MAX_CHARS, SECTIONS, SIGNING_AUTHORITIES
from registry.models.base import province_today
from registry.models.followup import INSPECTION_CONCLUSIONS
from registry.models.genetics import MARKER_LABELS
from registry.models.reference import FORMER_PROVINCES, RISK_STATUSES
from registry.models.applications import (
    CHECKLIST,
    FIELDS,
    IMPLEMENTATION_STATUSES,
    KINDS,
    STATUSES,
)

SORTS = {
    "-submitted_at": _l("Newest submissions first"),
    "submitted_at": _l("Oldest submissions first"),
    "title": _l("Title"),
    "status": _l("Status"),
}
DEFAULT_SORT = "-submitted_at"
QUEUE_STATUSES = {code: label for code, label in STATUSES.items() if code != "draft"}

# Decisions that cannot be undone, and so are confirmed on a page of their own.
FINAL_DECISIONS = ("approve", "reject")
DECISION_CHOICES = {
    "approve": _l("Approve"),
    "request_revision": _l("Request a revision"),
    "reject": _l("Reject"),
}




def _plausible_date(field) -> None:
    # Year 1 or 9999 would overflow the time-zone arithmetic of the query.
    if field.data is not None and not date(1900, 1, 1) <= field.data <= date(2999, 12, 31):
        raise ValidationError(_l("Not a valid date value."))


class QueueFilterForm(FlaskForm):
    """The queue's GET filters. Built with `formdata=request.args` and no CSRF token."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(KINDS, blank=_l("All kinds")), default="")
    status = SelectField(
        _l("Status"), choices=choices(QUEUE_STATUSES, blank=_l("All statuses")), default=""
    )
    field = SelectField(_l("Field"), choices=choices(FIELDS, blank=_l("All fields")), default="")
    former_province = SelectField(_l("Former province"),
                                  choices=choices(FORMER_PROVINCES, blank=_l("Both former provinces")),
                                  default="")
    commune = SelectField(_l("Commune or ward"), choices=choices({}, blank=_l("All communes and wards")),
                          render_kw=COMMUNE_SEARCH,
                          default="")
    district = SelectField(_l("Former district (before 01/07/2025)"),
                           choices=choices({}, blank=_l("All former districts")), default="")
    submitted_from = DateField(_l("Submitted from"), validators=[Optional()])
    submitted_to = DateField(_l("Submitted until"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=choices(SORTS), default=DEFAULT_SORT)

    def validate_submitted_from(self, field) -> None:
        _plausible_date(field)

    def validate_submitted_to(self, field) -> None:
        _plausible_date(field)

    def set_places(self, communes, districts) -> None:
        """The communes and wards (every one of the table: a record keeps its unit when a later
        reorganisation ends it) and the former districts to choose from."""
        self.commune.choices = choices({c.code: c.name for c in communes},
                                       blank=_l("All communes and wards"))
        self.district.choices = choices({d.code: d.name for d in districts},
                                        blank=_l("All former districts"))

    def validate_or_reset(self) -> bool:
        """Validate, then forget every value that did not validate, so that a mangled link
        shows the unfiltered queue instead of an error. Returns whether anything was dropped."""
        dropped = False
        if not self.validate():
            for field in self:
                if field.errors:
                    dropped = True
                    field.data = field.default
                    field.raw_data = []
                    field.errors = []
        return dropped


class CompareVersionsForm(FlaskForm):
    """Which two submissions to compare (GET `from` and `to`)."""

    older = SelectField(_l("Compare submission"), name="from", coerce=int, validate_choice=True)
    newer = SelectField(_l("with submission"), name="to", coerce=int, validate_choice=True)


class StartReviewForm(VersionForm):
    """Starting the review: only the version (its own id, beside the page's other forms)."""

    version = HiddenField(id="start-version")


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices(DECISION_CHOICES),
        validate_choice=False,  # the service names the allowed decisions
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    comment = TextAreaField(
        _l("Comment to the applicant"), id="decision-comment", validators=[Length(max=5000)]
    )
    version = HiddenField(id="decision-version")
    # Approving and rejecting cannot be undone: the page asks once more before recording them.
    confirmed = HiddenField(id="decision-confirmed")


class SupportDecisionForm(FlaskForm):
    """The decision that supports an approved project or startup (for a filing or a
    conservation record, the department's confirmation), with its signed PDF."""

    version = HiddenField(id="support-version")
    number = StringField(_l("Number and symbol"), id="support-number", validators=[Length(max=60)],
                         description=_l("As on the signed document, e.g. 123/QĐ-UBND."))
    decided_on = DateField(_l("Date signed"), id="support-decided_on", validators=[Optional()])
    signer = StringField(_l("Signed by"), id="support-signer", validators=[Length(max=200)],
                         description=_l("Name and position, e.g. Phó Chủ tịch UBND tỉnh."))
    amount_vnd = LocalizedIntegerField(_l("Support granted (đồng)"), id="support-amount_vnd",
                                       kind=MONEY, validators=[Optional()])
    period_start = DateField(_l("Supported from"), id="support-period_start", validators=[Optional()])
    period_end = DateField(_l("Supported until"), id="support-period_end", validators=[Optional()])
    conditions = TextAreaField(_l("Conditions"), id="support-conditions", validators=[Length(max=5000)])
    file = FileField(_l("The signed document (PDF)"), id="support-file",
                     validators=[FileRequired(message=_l("Attach the signed PDF."))],
                     render_kw={"accept": ".pdf"})


class ChecklistForm(FlaskForm):
    version = HiddenField(id="checklist-version")


# One checkbox per item of the department's checklist, named by its code.
for _code, _text in CHECKLIST.items():
    setattr(ChecklistForm, _code, BooleanField(_text, id=f"checklist-{_code}"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("New internal note"), id="note-body")


class ImplementationForm(FlaskForm):
    implementation_status = SelectField(
        _l("Implementation status"), choices=choices(IMPLEMENTATION_STATUSES)
    )
    comment = TextAreaField(
        _l("Comment"), id="implementation-comment", validators=[Length(max=5000)]
    )
    version = HiddenField(id="implementation-version")


class ReopenForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(_l("What needs correcting"),
                           validators=[DataRequired(message=_l("Say what needs correcting.")),
                                       Length(max=2000)])


class InviteCommitteesForm(FlaskForm):
    """The commune and ward committees the department invites to report for a year (choices:
    the view, from `commune_choices`)."""

    communes = SelectMultipleField(
        _l("Communes and wards"), validators=[DataRequired(message=_l("Choose at least one commune or ward."))],
        description=_l("Hold Ctrl (⌘ on a Mac) to choose several."),
        render_kw={**COMMUNE_SEARCH, "size": 12})


# Genetic resources -------------------------------------------------------------------------

class BarcodeForm(FlaskForm):
    sample_id = StringField(_l("Sample id"), id="barcode-sample_id")
    marker = SelectField(_l("Marker"), id="barcode-marker", choices=choices(MARKER_LABELS),
                         validate_choice=False)  # the service names the markers
    sequence = TextAreaField(_l("Sequence"), id="barcode-sequence",
                             description=_l("IUPAC nucleotide letters; case and spaces do not "
                                            "matter. Not needed for SSR and SNP panels."))
    genbank_accession = StringField(_l("GenBank accession"), id="barcode-genbank_accession",
                                    description=_l("For example MN123456.1."))
    collected_on = DateField(_l("Collected on"), id="barcode-collected_on", validators=[Optional()])
    locality = StringField(_l("Locality"), id="barcode-locality")
    latitude = StringField(_l("Latitude"), id="barcode-latitude")
    longitude = StringField(_l("Longitude"), id="barcode-longitude")
    lab = StringField(_l("Laboratory"), id="barcode-lab")


class ImportForm(FlaskForm):
    file = FileField(_l("FASTA file"), id="import-file", render_kw={"accept": ".fasta,.fa,.fas,.txt"},
                     description=_l("Headers as >sample_id|resource|marker|accession."))
    text = TextAreaField(_l("Or paste the FASTA text"), id="import-text")
    marker = SelectField(_l("Marker when the header has none"), id="import-marker",
                         choices=choices([("", _l("None")), *MARKER_LABELS.items()]),
                         validate_choice=False)
    lab = StringField(_l("Laboratory"), id="import-lab", validators=[Length(max=300)])


class RiskForm(FlaskForm):
    risk_status = SelectField(_l("Risk status"), id="risk-status", choices=choices(RISK_STATUSES),
                              validate_choice=False)


class CouncilForm(FlaskForm):
    """Forming a council: who sits on it, in which position, and which applications it takes.
    The choices are set by the view (active experts and staff; the eligible applications)."""

    purpose = HiddenField()
    kind = HiddenField()
    name = StringField(_l("Name of the council"),
                       validators=[InputRequired(message=_l("Give the council a name.")), Length(max=300)])
    decision_number = StringField(_l("Decision forming it (number and symbol)"),
                                  validators=[Length(max=60)])
    formed_on = DateField(_l("Formed on"), validators=[InputRequired(message=_l("Give the date."))],
                          default=province_today)
    meets_on = DateField(_l("Meets on"), validators=[Optional()])
    chair = SelectField(_l("Chair"), validate_choice=False,
                        validators=[InputRequired(message=_l("Choose the chair."))])
    critical_reviewer_1 = SelectField(_l("First critical reviewer"), validate_choice=False,
                                      validators=[InputRequired(message=_l("Choose a critical reviewer."))])
    critical_reviewer_2 = SelectField(_l("Second critical reviewer"), validate_choice=False,
                                      validators=[InputRequired(message=_l("Choose a critical reviewer."))])
    secretary = SelectField(_l("Secretary"), validate_choice=False,
                            validators=[InputRequired(message=_l("Choose the secretary."))])
    members = MultiCheckboxField(lazy_pgettext("council", "Members"), validate_choice=False)
    applications = MultiCheckboxField(_l("Applications before the council"), validate_choice=False)

    POSITION_FIELDS = (("chair", "chair"), ("critical_reviewer_1", "critical_reviewer"),
                       ("critical_reviewer_2", "critical_reviewer"), ("secretary", "secretary"))

    def set_choices(self, people, applications) -> None:
        options = [(str(u.id), f"{u.display_name} ({u.role_label})") for u in people]
        for name, _position in self.POSITION_FIELDS:
            self[name].choices = choices(options, blank=_l("Choose…"))
        self.members.choices = choices(options)
        self.applications.choices = choices(
            (str(a.id), f"{a.title} — {a.organization.name}") for a in applications)

    def member_positions(self) -> list[tuple[int, str]]:
        """(user id, position) as chosen; ids that are not numbers are dropped (the service
        then says what is missing)."""
        chosen = [(self[name].data, position) for name, position in self.POSITION_FIELDS]
        chosen += [(value, "member") for value in self.members.data or []]
        return [(int(value), position) for value, position in chosen
                if value and str(value).isdigit() and len(str(value)) < 10]

    def application_ids(self) -> list[int]:
        return [int(v) for v in self.applications.data or [] if str(v).isdigit() and len(str(v)) < 10]


REPORT_DECISIONS = {"accept": _l("Accept the report"), "more": _l("Ask for more")}


class ReportReviewForm(FlaskForm):
    version = HiddenField(id="report-review-version")
    decision = RadioField(_l("Your answer"), choices=choices(REPORT_DECISIONS),
                          validators=[InputRequired(message=_l("Choose an answer."))])
    comment = TextAreaField(_l("Comment to the owner"), validators=[Length(max=10_000)])


class InspectionForm(FlaskForm):
    inspected_on = DateField(_l("Inspected on"), id="inspection-inspected_on",
                             validators=[InputRequired(message=_l("Give the date."))])
    inspectors = StringField(_l("Inspected by"), validators=[Length(max=500)])
    conclusion = SelectField(_l("Conclusion"), choices=choices(INSPECTION_CONCLUSIONS, blank=_l("Choose…")),
                             validators=[InputRequired(message=_l("Choose a conclusion."))])
    findings = TextAreaField(_l("Findings"), validators=[Length(max=10_000)])


class AcceptanceForm(FlaskForm):
    version = HiddenField(id="acceptance-version")
    accepted_on = DateField(_l("Acceptance date"), id="acceptance-accepted_on",
                            validators=[InputRequired(message=_l("Give the date."))])
    disbursed_vnd = LocalizedIntegerField(_l("Total disbursed (VND)"), kind=MONEY,
                                          validators=[Optional(), NumberRange(min=0)])
    reasons = TextAreaField(_l("Reasons (required for a failed result)"), validators=[Length(max=10_000)])


EXPORT_SCOPES = {"appraised": _l("Applications before a selection council"), "all": _l("Every submitted application")}


class ExportFilterForm(FlaskForm):
    """The queue's filters that the register takes (GET, no CSRF token)."""

    kind = SelectField(_l("Kind"), choices=choices(KINDS, blank=_l("All kinds")), default="")
    status = SelectField(_l("Status"), choices=choices(QUEUE_STATUSES, blank=_l("All statuses")), default="")
    year = PlainIntegerField(_l("Year of submission"), validators=[Optional(), NumberRange(min=1900, max=2999)])
    scope = SelectField(_l("Applications"), choices=choices(EXPORT_SCOPES), default="appraised")


class AnnualReportDraftForm(FlaskForm):
    """The sections staff write (a `section_<code>` field for each of SECTIONS, added below),
    the recipients and who signs. The figures are the registry's, not typed."""

    version = HiddenField()
    recipients = TextAreaField(
        _l("Recipients (Nơi nhận)"), validators=[Length(max=2000)], render_kw={"rows": 5},
        description=_l("One per line, as they will be printed; the last is usually “Lưu: VT, …”."))
    signing_authority = SelectField(_l("Who signs"), choices=choices(SIGNING_AUTHORITIES), default="director")
    signer_name = StringField(_l("Name of the signer"), validators=[Length(max=200)])

    def section_texts(self) -> dict[str, str]:
        return {code: self[f"section_{code}"].data or "" for code in SECTIONS}


for _code, _label in SECTIONS.items():
    setattr(AnnualReportDraftForm, f"section_{_code}", TextAreaField(
        _label, validators=[Length(max=SECTION_MAX_CHARS)], render_kw={"rows": 8}))


class IssueReportForm(FlaskForm):
    version = HiddenField()
    number = PlainIntegerField(_l("Number in the department's register"),
                               validators=[InputRequired(), NumberRange(min=1, max=99_999)],
                               description=_l("The number only: the symbol /BC-SKHCN is added."))
    issued_on = DateField(_l("Date of issue"), validators=[InputRequired()], default=province_today)
    correction_note = TextAreaField(_l("What this issue corrects"), validators=[Length(max=2000)],
                                    render_kw={"rows": 3})
