from flask import Blueprint

bp = Blueprint("admin", __name__)

from registry.admin import awards, reference, rubrics, targets, users, views  # noqa: E402,F401  (routes register on import)
from registry.admin import enterprises  # noqa: E402,F401
