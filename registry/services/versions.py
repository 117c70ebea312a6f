"""Optimistic locking: every record users change carries a `version`, and a request that
carries a stale one is a conflict (409) before any other rule is checked."""
from flask_babel import gettext as _

from registry.services.errors import ValidationFailed


def given_version(version) -> int:
    """The version a request carries. It may come as an int, as a whole float (JSON has only
    numbers) or as ASCII digits (forms, If-Match); anything else — missing, bool, inf, nan,
    '²', numbers past 64 bits — is refused (422)."""
    if version is None or (isinstance(version, str) and version.strip() == ""):
        raise ValidationFailed(
            _("The request must carry the record's version."),
            {"version": [_("This field is required.")]},
        )
    if isinstance(version, bool):
        number = None
    elif isinstance(version, int):
        number = version
    elif isinstance(version, float):
        number = int(version) if version.is_integer() else None  # inf and nan are not integers
    elif isinstance(version, str) and version.strip().isascii() and version.strip().isdigit():
        digits = version.strip().lstrip("0") or "0"
        number = int(digits) if len(digits) <= 19 else None
    else:
        number = None
    if number is None or not -(2**63) <= number < 2**63:
        raise ValidationFailed(
            _("The version must be a whole number."),
            {"version": [_("Must be a whole number.")]},
        )
    return number
