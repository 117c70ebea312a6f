"""Form pieces every area shares."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, Field, HiddenField, SelectChoice, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from registry.numbers import COUNT, FIGURE, PLAIN, NumberInputError, NumberKind, understood_as


def choices(items, blank=None) -> list[SelectChoice]:
    """(value, label) pairs, or a code table ({code: lazy label}), as select options; with
    `blank`, a first empty option of that label ("Choose…", "All kinds")."""
    pairs = list(items.items() if isinstance(items, dict) else items)
    if blank is not None:
        pairs.insert(0, ("", blank))
    return [SelectChoice(value, label) for value, label in pairs]


# The commune select's search box (static/js/filter-select.js): its label and what it says.
COMMUNE_SEARCH = {"data-filterable": "", "data-filter-label": _l("Search for the commune or ward (accents optional)"),
                  "data-filter-count": _l("{count} matching")}


def commune_choices(blank) -> list[SelectChoice]:
    """The communes and wards a record made today may name, grouped by the former province
    their area lies in; each option carries its accent-free name for the search box
    (static/js/filter-select.js)."""
    from registry.models.base import province_today
    from registry.services.places import communes_valid_on

    options = [SelectChoice("", blank)]
    for commune in communes_valid_on(province_today()):
        options.append(SelectChoice(commune.code, commune.name, optgroup=commune.former_province_label,
                                    render_kw={"data-search": commune.search_name}))
    return options


class VersionForm(FlaskForm):
    """A form that only carries the version of the record the user saw: a button such as
    submit, withdraw or remove. A stale version is a conflict (409)."""

    version = HiddenField()




class MultiCheckboxField(SelectMultipleField):
    """A list of codes as checkboxes; `_macros.render_field` shows it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _NumberField(Field):
    """A number typed the way the page's language writes it (`registry.numbers`).

    A text input, never type=number: a browser reads a number input in its own language and
    may turn "3,2" into 32 without a word. `_macros.render_field` shows below the input what the
    number was understood as, and static/js/numbers.js updates that while the user types."""

    widget = TextInput()
    kind: NumberKind
    number_type: type  # what the data is: int or float

    def __init__(self, label=None, validators=None, kind: NumberKind | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        if kind is not None:
            self.kind = kind
        self.render_kw = {"inputmode": self.kind.inputmode, "autocomplete": "off",
                          **(self.render_kw or {})}

    def process_data(self, value):
        self.data = None if value is None or value == "" else self.number_type(value)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            value = self.kind.parse(valuelist[0])
        except NumberInputError as exc:
            self.data = None
            raise ValueError(str(exc)) from None
        self.data = None if value is None else self.number_type(value)

    def pre_validate(self, form):
        if self.process_errors:  # one message that says how to write it, not a range error too
            raise StopValidation()
        if self.data is None and self.flags.required and self.raw_data and self.raw_data[0]:
            raise StopValidation(self.gettext("This field is required."))  # only spaces

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.kind.written(self.data)

    def understood(self) -> str:
        """"Understood as 2.500.000.000 ₫", or "" when there is nothing to show."""
        if self.data is None or self.process_errors or not self.kind.grouping:
            return ""
        return understood_as(self.kind.show(self.data))

    def number_hints(self) -> dict[str, str] | None:
        """The data-* attributes numbers.js reads; None for digits-only fields."""
        return self.kind.hints() if self.kind.grouping else None


class LocalizedIntegerField(_NumberField):
    """A whole number: 2.500.000.000 in Vietnamese, 2,500,000,000 in English; a decimal is
    refused. `kind=MONEY` also takes a trailing ₫, đ or VND and shows the amount in đồng."""

    kind = COUNT
    number_type = int


class LocalizedDecimalField(_NumberField):
    """A number that may have decimals: 3,2 in Vietnamese, 3.2 in English; a trailing % is
    allowed. The data is a float, as the figure columns store it."""

    kind = FIGURE
    number_type = float


class PlainIntegerField(LocalizedIntegerField):
    """A small number typed as digits only, such as a year or a sort order: "2.026" is refused
    rather than read as 2026 or as 2."""

    kind = PLAIN


class CensusForm(FlaskForm):
    """A population census of a genetic resource: by the department, or by the owner of an
    approved conservation record."""

    counted_on = DateField(_l("Date of the count"), id="census-counted_on",
                           validators=[InputRequired(message=_l("Give the date of the count."))])
    locality = StringField(_l("Locality"), id="census-locality", validators=[Length(max=300)])
    breeding_females = LocalizedIntegerField(_l("Breeding females"), id="census-breeding_females",
                                             validators=[Optional(), NumberRange(min=0)])
    breeding_males = LocalizedIntegerField(_l("Breeding males"), id="census-breeding_males",
                                           validators=[Optional(), NumberRange(min=0)])
    individuals = LocalizedIntegerField(_l("Trees or accessions"), id="census-individuals",
                                        validators=[Optional(), NumberRange(min=0)])
    note = TextAreaField(_l("Note"), id="census-note", validators=[Length(max=2000)])
