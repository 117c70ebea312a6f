"""Form pieces every area shares."""
from wtforms import Field, SelectChoice, SelectMultipleField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from registry.numbers import COUNT, FIGURE, PLAIN, NumberInputError, NumberKind, understood_as


def choices_of(table: dict) -> list[SelectChoice]:
    """A code table ({code: lazy label}) as select options."""
    return [SelectChoice(code, label) for code, label in table.items()]


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

    def __init__(self, label=None, validators=None, kind: NumberKind | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        if kind is not None:
            self.kind = kind
        self.render_kw = {"inputmode": self.kind.inputmode, "autocomplete": "off",
                          **(self.render_kw or {})}

    def _coerce(self, value):
        raise NotImplementedError

    def process_data(self, value):
        self.data = None if value is None or value == "" else self._coerce(value)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            value = self.kind.parse(valuelist[0])
        except NumberInputError as exc:
            self.data = None
            raise ValueError(str(exc)) from None
        self.data = None if value is None else self._coerce(value)

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

    def _coerce(self, value) -> int:
        return int(value)


class LocalizedDecimalField(_NumberField):
    """A number that may have decimals: 3,2 in Vietnamese, 3.2 in English; a trailing % is
    allowed. The data is a float, as the figure columns store it."""

    kind = FIGURE

    def _coerce(self, value) -> float:
        return float(value)


class PlainIntegerField(LocalizedIntegerField):
    """A small number typed as digits only, such as a year or a sort order: "2.026" is refused
    rather than read as 2026 or as 2."""

    kind = PLAIN
