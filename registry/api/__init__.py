"""JSON API, version 1 (SPEC section 6): bearer tokens, no cookies, the same services."""
from flask import Blueprint

from registry.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # bearer tokens, never cookies: nothing for a forged form to ride on

from registry.api import councils, docs, documents, followup, genetics, progress, views  # noqa: E402,F401  (routes register on import)
from registry.api import open_data  # noqa: E402,F401  (DCAT catalogue and 360Giving files)
