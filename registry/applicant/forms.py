"""Forms of the applicant area: one per kind of application, plus the action forms.

The forms only parse what the browser sends. The rules (dates, support within the total, tax
code, PVP certificate, uniqueness, completeness) live in `registry.services.validation`; their
errors come back keyed by the same field names and are shown beside the fields.
"""
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from registry.extensions import db
from registry.formatting import exact_figure
from registry.forms import COMMUNE_SEARCH, LocalizedIntegerField, MultiCheckboxField, choices, commune_choices
from registry.models import GeneticResource
from registry.models.applications import (
    READ_ONLY_FIELDS,
    DOCUMENT_TYPES,
    COMMON_FIELDS,
    CONSERVATION_METHODS,
    FIELD_LABELS,
    FIELDS,
    KIND_FIELDS,
    OFFICE_STATUSES,
    PRODUCT_TYPES,
    REQUIRED_TO_SUBMIT,
    required_to_submit,
    STARTUP_STAGES,
    TECHNOLOGIES,
)
from registry.numbers import COUNT, MONEY

KIND_DESCRIPTIONS = {
    "project": _l("Apply, master or transfer a biotechnology: new varieties, strains, "
                  "preparations, diagnostic kits, vaccines or processed products."),
    "startup": _l("An innovative start-up company building a business on biotechnology."),
    "conservation": _l("Conserve and use a local genetic resource such as Nhãn lồng, Vải trứng "
                       "or Gà Đông Tảo."),
    "pvp_filing": _l("Record the province's applications for plant-variety protection at the "
                     "national office."),
}

CHOOSE_LABEL = _l("— Choose —")
NOT_A_DATE = _l("Must be a date (YYYY-MM-DD).")
AT_LEAST = _l("Must be at least %(min)s.")
REQUIRED_HELP = _l("Required to submit.")
# The example follows the page's language: 2.500.000.000 in Vietnamese, 2,500,000,000 in English.
MONEY_EXAMPLE = LazyString(exact_figure, 2_500_000_000)
MONEY_HELP = _l("Whole đồng, e.g. %(example)s.", example=MONEY_EXAMPLE)
REQUIRED_MONEY_HELP = _l("Required to submit. Whole đồng, e.g. %(example)s.",
                         example=MONEY_EXAMPLE)


def _label(name: str):
    return FIELD_LABELS[name]


def _code_select(name: str, table: dict) -> SelectField:
    # The service checks the codes and reports unknown ones in the user's language.
    return SelectField(_label(name), choices=choices(table, blank=CHOOSE_LABEL),
                       validate_choice=False)


def _code_checkboxes(name: str, table: dict) -> MultiCheckboxField:
    return MultiCheckboxField(_label(name), choices=choices(table),
                              validate_choice=False)


def _date(name: str) -> DateField:
    return DateField(_label(name), validators=[Optional()], invalid_value_message=NOT_A_DATE)


def _whole_number(name: str, minimum: int = 0) -> LocalizedIntegerField:
    return LocalizedIntegerField(
        _label(name),
        validators=[Optional(), NumberRange(min=minimum, message=AT_LEAST)],
        kind=MONEY if name.endswith("_vnd") else COUNT,
    )


def _text(name: str) -> StringField:
    return StringField(_label(name), validators=[Optional()])


def _long_text(name: str) -> TextAreaField:
    return TextAreaField(_label(name), validators=[Optional()])


class ApplicationForm(FlaskForm):
    """The common fields (SPEC section 2). Field names are the SPEC's JSON names."""

    kind: str = ""
    organization = None  # the applicant's: what submission needs may depend on it
    section_title = _l("General")
    kind_section_title = ""

    version = HiddenField()
    title = StringField(
        _label("title"),
        validators=[
            DataRequired(message=_l("Enter a title.")),
            Length(min=5, max=300, message=_l("The title needs 5 to 300 characters.")),
        ],
    )
    summary = _long_text("summary")
    field = _code_select("field", FIELDS)
    commune = SelectField(_label("commune"), choices=choices([], blank=CHOOSE_LABEL), validate_choice=False,
                          render_kw=COMMUNE_SEARCH)
    start_date = _date("start_date")
    end_date = _date("end_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune.choices = commune_choices(blank=CHOOSE_LABEL)
        required = set(REQUIRED_TO_SUBMIT[self.kind])
        for name in self.field_names:
            money = name.endswith("_vnd")
            if name in required and name != "title":
                self[name].description = REQUIRED_MONEY_HELP if money else REQUIRED_HELP
            elif money:
                self[name].description = MONEY_HELP

    @property
    def common_fields(self) -> list:
        return [self[name] for name in COMMON_FIELDS if name not in READ_ONLY_FIELDS]

    @property
    def kind_fields(self) -> list:
        return [self[name] for name in KIND_FIELDS[self.kind]]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name in COMMON_FIELDS + KIND_FIELDS[self.kind] if name not in READ_ONLY_FIELDS)

    @property
    def required_to_submit(self) -> frozenset[str]:
        return frozenset(required_to_submit(self.kind, self.organization)) - {"title"}

    def values(self) -> dict:
        """The kind's fields as the services take them."""
        return {name: self[name].data for name in self.field_names}


class ProjectForm(ApplicationForm):
    kind = "project"
    kind_section_title = _l("The project")

    product_type = _code_select("product_type", PRODUCT_TYPES)
    technologies = _code_checkboxes("technologies", TECHNOLOGIES)
    total_budget_vnd = _whole_number("total_budget_vnd")
    requested_support_vnd = _whole_number("requested_support_vnd")
    expected_outputs = _long_text("expected_outputs")


class StartupForm(ApplicationForm):
    kind = "startup"
    kind_section_title = _l("The start-up")

    company_name = _text("company_name")
    tax_code = StringField(
        _label("tax_code"), validators=[Optional()],
        description=_l("10 digits, or 10 digits, a hyphen and 3 digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    founded_on = _date("founded_on")
    stage = _code_select("stage", STARTUP_STAGES)
    team_size = _whole_number("team_size", minimum=1)
    funding_sought_vnd = _whole_number("funding_sought_vnd")


class ConservationForm(ApplicationForm):
    kind = "conservation"
    kind_section_title = _l("The conservation effort")

    resource = SelectField(_label("resource"), choices=choices([], blank=CHOOSE_LABEL),
                           validate_choice=False)
    methods = _code_checkboxes("methods", CONSERVATION_METHODS)
    population_count = _whole_number("population_count")
    locality = _text("locality")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        resources = db.session.scalars(
            db.select(GeneticResource).order_by(GeneticResource.name_vi)
        ).all()
        self.resource.choices = choices(((r.code, r.name) for r in resources), blank=CHOOSE_LABEL)


class PvpFilingForm(ApplicationForm):
    kind = "pvp_filing"
    kind_section_title = _l("The filing")

    species = _text("species")
    denomination = _text("denomination")
    application_number = _text("application_number")
    filed_on = _date("filed_on")
    breeder = _text("breeder")
    office_status = _code_select("office_status", OFFICE_STATUSES)
    certificate_number = _text("certificate_number")
    granted_on = _date("granted_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hint = _l("Only when the variety is granted.")
        self.certificate_number.description = hint
        self.granted_on.description = hint


FORMS: dict[str, type[ApplicationForm]] = {
    "project": ProjectForm,
    "startup": StartupForm,
    "conservation": ConservationForm,
    "pvp_filing": PvpFilingForm,
}


def initial_data(application) -> dict:
    """An application's values as the form fields hold them (codes for commune and resource)."""
    data = {"version": application.version}
    for name in COMMON_FIELDS + KIND_FIELDS[application.kind]:
        if name in READ_ONLY_FIELDS:
            continue
        if name in ("commune", "resource"):
            place = getattr(application, name)
            data[name] = place.code if place else ""
        else:
            value = getattr(application, name)
            data[name] = "" if value is None and name in ("field", "product_type", "stage",
                                                           "office_status") else value
    return data


class WithdrawForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("At most %(max)s characters."))],
    )


class UploadForm(FlaskForm):
    version = HiddenField()
    file = FileField(
        _l("Document"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        render_kw={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"},
    )
    document_type = SelectField(_l("What the document is"), choices=choices(DOCUMENT_TYPES),
                                default="other")
    public = BooleanField(_l("Public: show this document on the public record once approved"))


class ProgressReportForm(FlaskForm):
    """The owner's progress report for one six-month period; `action` saves or submits."""

    version = HiddenField(id="report-version")
    progress = TextAreaField(_l("Progress against the milestones"), validators=[Length(max=10_000)])
    spent_vnd = LocalizedIntegerField(_l("Spent so far of the approved support (VND)"), kind=MONEY,
                                      validators=[Optional(), NumberRange(min=0)])
    products = TextAreaField(_l("Products so far"), validators=[Length(max=10_000)])
    problems = TextAreaField(_l("Problems and proposals"), validators=[Length(max=10_000)])
    action = HiddenField()


class ProgressDocumentForm(FlaskForm):
    version = HiddenField(id="report-document-version")
    file = FileField(_l("Document"), validators=[FileRequired(message=_l("Choose a file to upload."))],
                     render_kw={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"})
