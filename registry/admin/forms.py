"""Forms of the admin area: users and reference data."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, IntegerField, PasswordField, SelectChoice,
                     SelectField, StringField, TelField, TextAreaField)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from registry.models.accounts import ROLES
from registry.models.reference import RESOURCE_KINDS, RISK_STATUSES
from registry.services.accounts import PASSWORD_MAX



def choices_of(table: dict) -> list[SelectChoice]:
    """A code table ({code: lazy label}) as select options."""
    return [SelectChoice(code, label) for code, label in table.items()]


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
    role = SelectField(_l("Role"), choices=choices_of(ROLES), validators=[DataRequired()])
    organization = SelectField(
        _l("Organisation"), validators=[Optional()],
        description=_l("Required for applicants; optional for department staff."),
    )  # choices: the view
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                             description=_l("At least 8 characters. Tell the user to change it "
                                            "after the first login."),
                             render_kw={"autocomplete": "new-password"})


class EditUserForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices_of(ROLES), validators=[DataRequired()])
    active = BooleanField(_l("Active (may log in)"))


class DistrictForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE_RULES, description=CODE_HELP)
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=120)])
    active = BooleanField(_l("Active (can be chosen in new applications)"), default=True)
    sort_order = IntegerField(_l("Sort order"), default=0,
                              validators=[Optional(), NumberRange(min=0, max=100000)])


class ResourceForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE_RULES, description=CODE_HELP)
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    scientific_name = StringField(_l("Scientific name"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices_of(RESOURCE_KINDS),
                       validators=[DataRequired()])
    indigenous = BooleanField(_l("Indigenous resource of Hưng Yên"), default=True)
    risk_status = SelectField(_l("Risk status"), choices=choices_of(RISK_STATUSES),
                              default="unknown", validators=[DataRequired()])
    description_vi = TextAreaField(_l("Description (Vietnamese)"),
                                   validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"),
                                   validators=[Optional(), Length(max=5000)])
