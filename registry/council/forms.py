"""Forms of a council member's pages: the conflict-of-interest declaration and the score sheet.
The rules (reasons with a conflict, every criterion within its maximum before submitting) are in
`registry.services.councils`; these forms only read the request."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from registry.forms import LocalizedIntegerField, MultiCheckboxField, choices
from registry.models.councils import CONFLICT_REASONS

YES_NO = {"no": _l("No"), "yes": _l("Yes")}


class DeclarationForm(FlaskForm):
    has_conflict = RadioField(
        _l("Do you have a conflict of interest with this application?"), choices=choices(YES_NO),
        validators=[InputRequired(message=_l("Answer yes or no."))])
    reasons = MultiCheckboxField(_l("The conflict"), choices=choices(CONFLICT_REASONS))
    explanation = TextAreaField(_l("Explanation"), validators=[Length(max=2000)])


class ScoreSheetForm(FlaskForm):
    """One points field per criterion of the council's rubric (`for_rubric` makes the class),
    whether the member recommends, and the written assessment."""

    version = HiddenField(id="sheet-version")
    recommends = RadioField(_l("Do you recommend it?"), choices=choices(YES_NO), validators=[Optional()])
    comment = TextAreaField(_l("Your assessment"), validators=[Length(max=10_000)])
    action = HiddenField()

    @classmethod
    def for_rubric(cls, rubric):
        class Sheet(cls):
            pass

        for criterion in rubric.criteria:
            setattr(Sheet, f"criterion_{criterion.id}", LocalizedIntegerField(
                _l("%(name)s (0–%(max)s)", name=criterion.name, max=criterion.max_points),
                validators=[Optional(), NumberRange(min=0, max=criterion.max_points,
                                                    message=_l("A whole number from 0 to %(max)s.",
                                                               max=criterion.max_points))]))
        Sheet.criteria = list(rubric.criteria)
        return Sheet

    def points(self) -> dict[int, int | None]:
        return {c.id: self[f"criterion_{c.id}"].data for c in self.criteria}

    def recommends_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.recommends.data)
