"""Forms of the auth area: log in, sign up, password reset and the profile."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from registry.forms import COMMUNE_SEARCH
from registry.models.accounts import ORGANIZATION_TYPES
from registry.services.accounts import PASSWORD_MAX
from registry.services.validation import TAX_CODE

_PASSWORD_HELP = _l("At least 8 characters; avoid common passwords.")


def new_password_field(label) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                         description=_PASSWORD_HELP, render_kw={"autocomplete": "new-password"})


def repeat_password_field(label) -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    # No length rules here: a failed login says the same thing whatever was typed.
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class SignupForm(FlaskForm):
    # The organisation
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=300)],
                       render_kw={"autocomplete": "organization"})
    org_type = SelectField(_l("Type of organisation"), validators=[DataRequired()], choices=[
        SelectChoice(code, label) for code, label in ORGANIZATION_TYPES.items()])
    tax_code = StringField(
        _l("Tax code"),
        validators=[Optional(), Regexp(TAX_CODE.pattern, message=_l(
            "An enterprise code has 10 digits, or 10 digits, a hyphen and 3 digits."))],
        description=_l("10 digits, or 10 digits, a hyphen and 3 digits (branches). "
                       "Leave empty if you have none."),
    )
    commune = SelectField(_l("Commune or ward"), validators=[DataRequired()], render_kw=COMMUNE_SEARCH)  # choices: the view
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=300)],
                          render_kw={"autocomplete": "street-address"})
    representative = StringField(_l("Legal representative"),
                                 validators=[DataRequired(), Length(max=200)])
    org_phone = TelField(_l("Organisation phone"), validators=[Optional(), Length(max=30)])
    org_email = EmailField(_l("Organisation e-mail"),
                           validators=[Optional(), Email(), Length(max=254)])
    # The first account
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    email = EmailField(_l("Your e-mail address"),
                       validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("You log in with this address."),
                       render_kw={"autocomplete": "email"})
    phone = TelField(_l("Your phone"), validators=[Optional(), Length(max=30)],
                     render_kw={"autocomplete": "tel"})
    password = new_password_field(_l("Password"))
    confirm = repeat_password_field(_l("Repeat the password"))


class ConfirmSignupForm(FlaskForm):
    """Creating the account is a POST (a mail scanner opening the link creates nothing) and
    needs the password chosen at sign-up: whoever owns the address must also be whoever chose
    it, or a stranger could sign an address up and keep its password."""

    password = PasswordField(_l("The password you chose when signing up"),
                             validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field(_l("Repeat the new password"))


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=30)],
                     render_kw={"autocomplete": "tel"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field(_l("Repeat the new password"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(message=_l("Give the token a name.")),
                                                     Length(max=100)],
                       description=_l("What the token is for, e.g. “the province portal”."))
