"""Forms of the agency area: a yearly report on a plan task."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, Form, FormField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from registry.forms import choices
from registry.models.plan_reports import REPORT_STATUSES
from registry.services.plan_reports import MAX_FIGURES, NARRATIVE_MAX, show_figure

FIGURE_ROWS = 5


class FigureForm(Form):
    """One reported figure. The value stays text here: the service reads it as a number and
    says which row is wrong, in the reader's language."""

    label = StringField(_l("Figure"), validators=[Optional(), Length(max=200)])
    value = StringField(_l("Value"), validators=[Optional(), Length(max=30)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])


class ReportForm(FlaskForm):
    version = HiddenField()
    status = RadioField(_l("Progress of the task this year"), choices=choices(REPORT_STATUSES),
                        validators=[DataRequired(message=_l("Choose a status."))])
    narrative = TextAreaField(
        _l("What was done"),
        validators=[Length(max=NARRATIVE_MAX, message=_l("At most %(max)s characters."))],
        description=_l("Activities, results, difficulties and proposals. Required before submitting."),
        render_kw={"rows": 10},
    )
    figures = FieldList(FormField(FigureForm), min_entries=FIGURE_ROWS, max_entries=MAX_FIGURES)

    def figure_rows(self) -> list[dict]:
        return [entry.data for entry in self.figures]


def report_form_for(report) -> ReportForm:
    """The form filled from a saved report (with blank rows to add figures)."""
    if report is None:
        return ReportForm(formdata=None, data={"status": "in_progress"})
    figures = [{**item, "value": show_figure(item["value"])} for item in report.figures]
    figures += [{}] * max(FIGURE_ROWS - len(figures), 1)
    return ReportForm(formdata=None, data={
        "version": report.version, "status": report.status, "narrative": report.narrative,
        "figures": figures[:MAX_FIGURES],
    })


class ReportUploadForm(FlaskForm):
    version = HiddenField()
    file = FileField(_l("Document"), validators=[FileRequired(message=_l("Choose a file to upload."))],
                     render_kw={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"})
