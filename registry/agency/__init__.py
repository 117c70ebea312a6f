from flask import Blueprint

bp = Blueprint("agency", __name__)

from registry.agency import views  # noqa: E402,F401  (routes register on import)
