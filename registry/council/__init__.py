from flask import Blueprint

bp = Blueprint("council", __name__)

from registry.council import views  # noqa: E402,F401  (routes register on import)
