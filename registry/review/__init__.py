from flask import Blueprint

bp = Blueprint("review", __name__)

from registry.review import councils, documents, exports, followup, genetics, plan, views  # noqa: E402,F401  (routes register on import)
