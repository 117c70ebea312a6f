from flask import Blueprint

bp = Blueprint("applicant", __name__)

from registry.applicant import views  # noqa: E402,F401  (routes register on import)
