"""Forms of the admin area: users, reference data, targets and the figures behind them."""
import math

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, Field, HiddenField, PasswordField,
                     SelectChoice, SelectField, StringField, TelField, TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange, Optional,
                                Regexp, ValidationError)

from registry.extensions import db
from registry.formatting import exact_figure, short_date
from registry.forms import (LocalizedDecimalField, LocalizedIntegerField, MultiCheckboxField,
                            PlainIntegerField, choices)
from registry.models import Agency, Organization
from registry.models.accounts import ROLES
from registry.models.base import province_today
from registry.models.plan_reports import NOMINEE_KINDS
from registry.models.reference import AGENCY_KINDS, RESOURCE_KINDS, RISK_STATUSES, TARGET_UNITS
from registry.services import plan_reports
from registry.services.accounts import PASSWORD_MAX
from registry.services.places import english_name
from registry.services.rubrics import MAX_CRITERIA


CODE_RULES = [
    DataRequired(),
    Length(max=40),
    Regexp(r"^[a-z0-9_]+$", message=_l("Use lower-case letters a–z, digits and _ only.")),
]
CODE_HELP = _l("Lower-case letters a–z, digits and _. It identifies the row in links, the API "
               "and the seed data, so it cannot be changed later.")


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=30)])
    role = SelectField(_l("Role"), choices=choices(ROLES), validators=[DataRequired()])
    organization = SelectField(
        _l("Organisation"), validators=[Optional()],
        description=_l("Required for applicants; optional for department staff."),
    )  # choices: the view
    agency = SelectField(_l("Agency"), validators=[Optional()],
                         description=_l("Required for agency reporters."))  # choices: the view
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                             description=_l("At least 8 characters. Tell the user to change it "
                                            "after the first login."),
                             render_kw={"autocomplete": "new-password"})


class EditUserForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(ROLES), validators=[DataRequired()])
    agency = SelectField(_l("Agency"), validators=[Optional()],
                         description=_l("Required for agency reporters: the department, agency or "
                                        "district whose plan tasks they report on."))  # choices: the view
    active = BooleanField(_l("Active (may log in)"))


class DistrictForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE_RULES, description=CODE_HELP)
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=120)])
    active = BooleanField(_l("Active (can be chosen in new applications)"), default=True)
    sort_order = PlainIntegerField(_l("Sort order"), default=0,
                                   validators=[Optional(), NumberRange(min=0, max=100000)])


class ResourceForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE_RULES, description=CODE_HELP)
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    scientific_name = StringField(_l("Scientific name"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(RESOURCE_KINDS),
                       validators=[DataRequired()])
    indigenous = BooleanField(_l("Indigenous resource of Hưng Yên"), default=True)
    risk_status = SelectField(_l("Risk status"), choices=choices(RISK_STATUSES),
                              default="unknown", validators=[DataRequired()])
    description_vi = TextAreaField(_l("Description (Vietnamese)"),
                                   validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"),
                                   validators=[Optional(), Length(max=5000)])
    protection_vi = TextAreaField(_l("Geographical indication or collective brand (Vietnamese)"),
                                  validators=[Optional(), Length(max=2000)])
    protection_en = TextAreaField(_l("Geographical indication or collective brand (English)"),
                                  validators=[Optional(), Length(max=2000)])


# Targets and the figures admins enter for them

YEAR_RULES = [InputRequired(), NumberRange(min=2000, max=2100)]
SOURCE_RULES = [DataRequired(), Length(max=300)]
# Beyond any figure of the plan; keeps infinities, NaN and absurd typos out of the table.
FIGURE_LIMIT = 1e12


def strip(value):
    return value.strip() if isinstance(value, str) else value


def finite_figure(form, field):
    if field.data is not None and (not math.isfinite(field.data) or abs(field.data) > FIGURE_LIMIT):
        raise ValidationError(_l("Enter a valid number."))


def not_in_future(form, field):
    if field.data is not None and field.data > province_today():
        raise ValidationError(_l("The date cannot be in the future."))


class TargetForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE_RULES, description=CODE_HELP)
    title_vi = StringField(_l("Title (Vietnamese)"), filters=[strip],
                           validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), filters=[strip],
                           validators=[Optional(), Length(max=300)])
    target_min = LocalizedDecimalField(
        _l("Minimum"), validators=[InputRequired(), finite_figure],
        description=_l("The figure that counts as reaching the target."))
    target_max = LocalizedDecimalField(
        _l("Maximum"), validators=[Optional(), finite_figure],
        description=_l("Leave empty when the target has no upper bound."))
    unit = SelectField(_l("Unit"), choices=choices(TARGET_UNITS), validators=[DataRequired()])
    window_start = DateField(_l("Counting from"), validators=[Optional()],
                             description=_l("The start of the period the target covers."))
    deadline = DateField(_l("Deadline"), validators=[InputRequired()])
    sort_order = PlainIntegerField(_l("Sort order"), default=0,
                                   validators=[Optional(), NumberRange(min=0, max=100000)])


class IndicatorValueForm(FlaskForm):
    year = PlainIntegerField(_l("Year"), validators=YEAR_RULES,
                             description=_l("The year the figure is about."))
    value = LocalizedDecimalField(
        _l("Value"), validators=[InputRequired(), finite_figure],
        # 12,5 and 0,125 in Vietnamese, 12.5 and 0.125 in English
        description=_l("In the target's unit; percentages as numbers in percent (%(percent)s, "
                       "not %(fraction)s).", percent=LazyString(exact_figure, 12.5),
                       fraction=LazyString(exact_figure, 0.125)))
    source = StringField(_l("Source"), filters=[strip], validators=SOURCE_RULES,
                         description=_l("Who published the figure, e.g. the statistics office "
                                        "and the report's number."))
    reported_on = DateField(_l("Reported on"), validators=[InputRequired(), not_in_future],
                            description=_l("The date of the report the figure comes from."))


class PvpYearCountForm(FlaskForm):
    year = PlainIntegerField(_l("Year"), validators=YEAR_RULES)
    filings = LocalizedIntegerField(
        _l("Filings"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
        description=_l("Plant-variety protection filings of Hưng Yên in that year."))
    source = StringField(_l("Source"), filters=[strip], validators=SOURCE_RULES)


class AwardForm(FlaskForm):
    version = HiddenField()
    year = PlainIntegerField(_l("Year"), validators=YEAR_RULES)
    nominee_kind = SelectField(_l("Nominee"), choices=choices(NOMINEE_KINDS),
                               validators=[DataRequired()])
    organization = SelectField(
        _l("Organisation in the registry"), validators=[Optional()],
        description=_l("Optional: link an applicant organisation. Its name is used when the "
                       "name below is left empty."))  # choices: the view
    nominee_name = StringField(_l("Name of the organisation or person"), filters=[strip],
                               validators=[Optional(), Length(max=300)])
    achievement = TextAreaField(_l("Achievement"), filters=[strip],
                                validators=[DataRequired(), Length(max=5000)],
                                description=_l("What the nominee is honoured for in the plan's work."),
                                render_kw={"rows": 5})
    award_form = StringField(_l("Form of award"), filters=[strip], validators=[Optional(), Length(max=300)],
                             description=_l("E.g. the certificate of merit of the Chairman of the "
                                            "Provincial People's Committee."))


# The date input sends 2026-06-30; where a browser shows a plain text box, 30/06/2026 is typed.
DAY_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class AgencyForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=20),
        Regexp(r"^[A-Z][A-Z0-9_]+$", message=_l("Use capital letters A–Z, digits and _ only."))],
        description=_l("A short code such as DARD. It cannot be changed later."))
    name_vi = StringField(_l("Name (Vietnamese)"), filters=[strip],
                          validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), default="department", choices=[
        SelectChoice(code, label) for code, label in AGENCY_KINDS.items() if code != "commune_committee"])
    # A merger: the agency that carries this one's duties from a day on (choices: the view).
    succeeded_by_id = SelectField(_l("Its duties pass to"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                                  validate_choice=False,
                                  description=_l("When it merges into another agency: that agency reports on its tasks from the day below."))
    succeeded_on = DateField(_l("From"), format=DAY_FORMATS, validators=[Optional()],
                             invalid_value_message=_l("Not a date: write it as dd/mm/yyyy."))
    succession_note_vi = TextAreaField(_l("What passed, and to whom (Vietnamese)"), filters=[strip],
                                       validators=[Length(max=2000)], render_kw={"rows": 2})
    succession_note_en = TextAreaField(_l("What passed, and to whom (English)"), filters=[strip],
                                       validators=[Length(max=2000)], render_kw={"rows": 2})
    succession_source = StringField(_l("Where it is decided"), filters=[strip], validators=[Length(max=500)],
                                    description=_l("The decree or decision, with its number and date."))

    def set_successors(self, agency: Agency | None) -> None:
        """Any other agency (not a commune committee) may carry this one's duties."""
        self.succeeded_by_id.choices = [SelectChoice("", _("— none —"))] + [
            SelectChoice(other.id, other.name) for other in db.session.scalars(
                db.select(Agency).where(Agency.kind != "commune_committee").order_by(Agency.name_vi))
            if agency is None or other.id != agency.id]
        self.agency = agency
        if agency is not None and agency.kind == "commune_committee":
            del self.kind  # made for a commune or ward by the invitation, and stays one

    def validate_succeeded_by_id(self, field):
        if field.data is None:
            return
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Not a valid choice."))
        if not self.succeeded_on.data:
            raise ValidationError(_("Say from which day its duties pass."))
        successor = db.session.get(Agency, field.data)
        for _step in range(Agency.MAX_SUCCESSIONS):  # no loop back to this agency
            if successor is None:
                return
            if self.agency is not None and successor.id == self.agency.id:
                raise ValidationError(_("That agency's duties already pass to this one."))
            successor = successor.succeeded_by


class PlanTaskForm(FlaskForm):
    title_vi = TextAreaField(_l("Task (Vietnamese)"), filters=[strip],
                             validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 4})
    title_en = TextAreaField(_l("Task (English)"), filters=[strip],
                             validators=[Optional(), Length(max=5000)], render_kw={"rows": 4})
    lead = MultiCheckboxField(_l("Lead agencies"), coerce=int,
                              description=_l("Each lead agency reports on the task every year. "
                                             "“All departments, agencies and localities” means every agency."))
    coordinating = MultiCheckboxField(_l("Coordinating agencies"), coerce=int)
    coordination_vi = StringField(_l("Other participants (Vietnamese)"), filters=[strip],
                                  validators=[Optional(), Length(max=1000)],
                                  description=_l("As the plan words them, e.g. “các sở, ngành liên quan”."))
    coordination_en = StringField(_l("Other participants (English)"), filters=[strip],
                                  validators=[Optional(), Length(max=1000)])
    timeframe_vi = StringField(_l("Timeframe (Vietnamese)"), filters=[strip],
                               validators=[DataRequired(), Length(max=200)])
    timeframe_en = StringField(_l("Timeframe (English)"), filters=[strip],
                               validators=[Optional(), Length(max=200)])


# Communes and wards: corrected one by one, or loaded as a list (registry.services.places)

NAME_MAX = 120  # Commune.name_vi and name_en


class CommuneForm(FlaskForm):
    """One commune or ward: its names and the last day it may be chosen. Its code, type and
    former province come from the loaded list: a list carries a change of province to the
    records that name the unit."""

    name_vi = StringField(_l("Name (Vietnamese)"), filters=[strip],
                          validators=[DataRequired(), Length(max=NAME_MAX)],
                          description=_l("With the type, as the resolution writes it: Phường Phố Hiến."))
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[Length(max=NAME_MAX)],
                          description=_l("Leave empty to write it from the Vietnamese name: Phố Hiến Ward."))
    valid_until = DateField(
        _l("Valid until"), format=DAY_FORMATS, validators=[Optional()],
        invalid_value_message=_l("Not a date: write it as dd/mm/yyyy."),
        description=_l("The last day new records may name the unit. Leave empty while it exists."))

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, obj=commune, **kwargs)
        self.commune = commune

    def english_name(self) -> str:
        """The English name given, or the one the Vietnamese name gives."""
        return self.name_en.data or english_name(self.name_vi.data or "", self.commune.unit_type)

    def validate_name_en(self, field):
        if not field.data and self.name_vi.data and len(self.english_name()) > NAME_MAX:
            raise ValidationError(_("Give the English name (at most %(max)s characters).", max=NAME_MAX))

    def validate_valid_until(self, field):
        if field.data is not None and field.data < self.commune.valid_from:
            raise ValidationError(_("The unit begins on %(date)s: it cannot end before.",
                                    date=short_date(self.commune.valid_from)))


class CommuneListForm(FlaskForm):
    file = FileField(
        _l("List of communes and wards (CSV)"), id="communes-file",
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        render_kw={"accept": ".csv,text/csv"},
        description=_l("UTF-8 text with the columns code, name, unit_type, former_province, "
                       "former_districts, valid_from; valid_until and name_en may follow. Lines "
                       "starting with # are notes."))
    replace = BooleanField(_l("This list replaces the current one (units it does not name end "
                              "the day before its new units begin)"), id="communes-replace")


class PlanFileForm(FlaskForm):
    file = FileField(
        _l("A plan (JSON)"), id="plan-file",
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        render_kw={"accept": ".json,application/json"},
        description=_l("UTF-8 JSON in the form of the 2023 plan's file (the link above): the "
                       "plan's identity, its agencies, tasks and targets. Agencies already in the "
                       "registry are named by their code."))


# Choices that come from the database, and the rows they name ---------------------------

def organization_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        db.select(Organization.id, Organization.name).order_by(Organization.name)).all()
    return [SelectChoice("", _("No organisation"))] + [SelectChoice(str(id_), name)
                                                      for id_, name in rows]


def agency_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No agency"))] + [
        SelectChoice(str(agency.id), agency.name) for agency in plan_reports.agency_choices()]


def chosen(model, field):
    """The row a select field names by id; None for the empty choice. The choices are checked
    by the form, so what is left is digits or blank."""
    value = (field.data or "").strip()
    return db.session.get(model, int(value)) if value.isascii() and value.isdigit() else None


def chosen_agency(form) -> Agency | None:
    return chosen(Agency, form.agency)


def code_taken(model, code: str, exclude_id: int | None = None) -> bool:
    query = db.select(model.id).where(model.code == code)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


# Scoring rubrics of the councils

class ErrorsOnly(Field):
    """A place for errors about several inputs at once — a rubric's criteria, whose maxima must
    sum to 100 — so that the service's errors stand beside them. The template shows it; it takes
    no input."""

    def process_formdata(self, valuelist):
        self.data = None


MARK_RULES = [InputRequired(), NumberRange(min=1, max=100, message=_l("A whole number from 1 to 100."))]


class RubricForm(FlaskForm):
    """A version of a rubric: up to `MAX_CRITERIA` rows of criteria (blank rows are left out)
    and the recommendation rule. The rules — the maxima sum to 100, the marks — are in
    `registry.services.rubrics`; the form reads the rows and says which cell is incomplete."""

    based_on = HiddenField()  # the number of the version the admin started from; 0: none
    version = HiddenField()  # correcting in place: the row's lock counter as the admin saw it
    criteria = ErrorsOnly(_l("Criteria"))
    pass_mark = PlainIntegerField(
        _l("Pass mark"), validators=MARK_RULES,
        description=_l("The mean total, of 100, from which the council recommends support."))
    excellent_mark = PlainIntegerField(
        _l("Excellent mark"), validators=MARK_RULES,
        description=_l("The mean total, of 100, from which a passed result is rated excellent."))
    majority_percent = PlainIntegerField(
        _l("Majority (per cent)"),
        validators=[InputRequired(), NumberRange(min=0, max=99, message=_l("A whole number from 0 to 99."))],
        description=_l("More than this share of the members must recommend: 50 means more than "
                       "half."))

    def __init__(self, *args, purpose: str = "selection", **kwargs):
        super().__init__(*args, **kwargs)
        if purpose == "acceptance":
            self.pass_mark.description = _l(
                "The mean total, of 100, from which the council finds the result passed.")
            self.majority_percent.description = _l(
                "More than this share of the members must find that the result passes: 50 means "
                "more than half.")
        else:
            del self.excellent_mark  # only acceptance councils rate a result excellent

    @staticmethod
    def row_data(criteria) -> dict:
        """Form data for the rows from a rubric's criteria."""
        data = {}
        for n, criterion in enumerate(criteria, start=1):
            data |= {f"name_vi_{n}": criterion.name_vi, f"name_en_{n}": criterion.name_en,
                     f"points_{n}": criterion.max_points}
        return data

    def rows(self) -> list[tuple]:
        """(number, Vietnamese name, English name, maximum) fields of each row."""
        return [(n, self[f"name_vi_{n}"], self[f"name_en_{n}"], self[f"points_{n}"])
                for n in range(1, MAX_CRITERIA + 1)]

    def _filled(self):
        for n, name_vi, name_en, points in self.rows():
            if (name_vi.data or name_en.data or points.data is not None
                    or (points.raw_data and points.raw_data[0].strip())):
                yield n, name_vi, name_en, points

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for _n, name_vi, _name_en, points in self._filled():
            if not name_vi.data:
                name_vi.errors = [*name_vi.errors, _("Give the Vietnamese name.")]
                valid = False
            if points.data is None and not points.errors:
                points.errors = [*points.errors, _("Give the maximum points.")]
                valid = False
        return valid

    def criteria_given(self) -> list[tuple[str, str, int]]:
        """The filled rows, in order: (Vietnamese name, English name, maximum points)."""
        return [(name_vi.data, name_en.data or "", points.data)
                for _n, name_vi, name_en, points in self._filled()]


for _n in range(1, MAX_CRITERIA + 1):
    setattr(RubricForm, f"name_vi_{_n}", StringField(
        _l("Criterion %(number)s: name (Vietnamese)", number=_n), filters=[strip],
        validators=[Optional(), Length(max=300)]))
    setattr(RubricForm, f"name_en_{_n}", StringField(
        _l("Criterion %(number)s: name (English)", number=_n), filters=[strip],
        validators=[Optional(), Length(max=300)]))
    setattr(RubricForm, f"points_{_n}", PlainIntegerField(
        _l("Criterion %(number)s: maximum points", number=_n),
        validators=[Optional(), NumberRange(min=1, max=100, message=_l("A whole number from 1 to 100."))]))
del _n
