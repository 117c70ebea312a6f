"""Form pieces every area shares."""
from wtforms import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


def choices_of(table: dict) -> list[SelectChoice]:
    """A code table ({code: lazy label}) as select options."""
    return [SelectChoice(code, label) for code, label in table.items()]


class MultiCheckboxField(SelectMultipleField):
    """A list of codes as checkboxes; `_macros.render_field` shows it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
