"""Forms of the register of bio-industry enterprises: an enterprise, its yearly figures, and the
province's import baseline. Amounts are typed the way the page's language writes them
("2.500.000.000" in Vietnamese); the rules are in `registry.services.enterprises`."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from registry.admin.forms import DAY_FORMATS, SOURCE_RULES, not_in_future, organization_choices, strip
from registry.forms import COMMUNE_SEARCH, LocalizedIntegerField, PlainIntegerField, choices, commune_choices
from registry.models.applications import FIELDS
from registry.models.enterprises import BASE_YEAR
from registry.numbers import MONEY
from registry.services.validation import MAX_MONEY

AMOUNT_RULES = [NumberRange(min=0, message=_l("The amount cannot be negative.")),
                NumberRange(max=MAX_MONEY, message=_l("The amount is too large."))]
NOT_A_DATE = _l("Not a date: write it as dd/mm/yyyy.")


class MarkedRequired:
    """Marks a choice required (the asterisk) and leaves the saying to the service, so that its
    message stands beside the field with the others of the same attempt."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


def _money(label, description, required=True) -> LocalizedIntegerField:
    first = InputRequired() if required else Optional()
    return LocalizedIntegerField(label, kind=MONEY, validators=[first, *AMOUNT_RULES], description=description)


def _day(label, description=None) -> DateField:
    return DateField(label, format=DAY_FORMATS, validators=[InputRequired(), not_in_future],
                     invalid_value_message=NOT_A_DATE, description=description)


class EnterpriseForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name of the enterprise"), filters=[strip],
                       validators=[InputRequired(), Length(max=300)],
                       description=_l("As in its certificate of enterprise registration."))
    tax_code = StringField(_l("Tax code"), filters=[strip], validators=[InputRequired(), Length(max=20)],
                           description=_l("10 digits, or 10 digits, a hyphen and 3 digits for a dependent unit."))
    field = SelectField(_l("Field"), choices=choices(FIELDS, blank=_l("Choose…")), validate_choice=False,
                        validators=[MarkedRequired()])
    commune = SelectField(_l("Commune or ward"), validate_choice=False, validators=[MarkedRequired()],
                          render_kw=COMMUNE_SEARCH)  # choices: __init__
    organization = SelectField(
        _l("Organisation in the registry"), validators=[Optional()],
        description=_l("Optional: the applicant organisation this enterprise is, when it has an account."))
    in_register_since = _day(_l("In the register since"),
                             _l("The day the department took the enterprise into the register."))
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Optional(), Length(max=5000)],
                          render_kw={"rows": 3})

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, obj=enterprise, **kwargs)
        self.commune.choices = commune_choices(blank=_l("Choose a commune or ward"))
        # An enterprise keeps a commune that has since ended; it cannot be newly chosen.
        current = enterprise.commune if enterprise is not None else None
        if current is not None and all(option.value != current.code for option in self.commune.choices):
            self.commune.choices.insert(1, SelectChoice(current.code, current.name))
        self.organization.choices = organization_choices()
        if enterprise is not None and not self.is_submitted():
            self.commune.data = current.code if current else ""
            self.organization.data = str(enterprise.organization_id or "")


class YearFigureForm(FlaskForm):
    year = PlainIntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=BASE_YEAR, max=2100)],
                             description=_l("The year the figures are about; %(year)s is the base year.",
                                            year=BASE_YEAR))
    investment_vnd = _money(_l("Investment capital (đồng)"),
                            _l("The enterprise's total investment capital at the end of the year."))
    revenue_vnd = _money(_l("Revenue (đồng)"), _l("The year's revenue."))
    import_replacing_revenue_vnd = _money(
        _l("Revenue from products replacing imports (đồng)"),
        _l("The part of the revenue from biotech products that replace imported ones. Leave empty "
           "when the source does not say."), required=False)
    source = StringField(_l("Source"), filters=[strip], validators=SOURCE_RULES,
                         description=_l("Where the figures come from, e.g. the financial statements "
                                        "of the year, or the tax department."))
    reported_on = _day(_l("Reported on"), _l("The date of the report the figures come from."))


class ImportBaselineForm(FlaskForm):
    value_vnd = _money(_l("Value imported in %(year)s (đồng)", year=BASE_YEAR),
                       _l("The value of the biotech products the province imported in %(year)s.",
                          year=BASE_YEAR))
    source = StringField(_l("Source"), filters=[strip], validators=SOURCE_RULES,
                         description=_l("Who published the figure, e.g. the customs or the statistics office, "
                                        "and the report's number."))
    reported_on = _day(_l("Reported on"), _l("The date of the report the figure comes from."))
