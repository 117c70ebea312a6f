from flask import Blueprint

bp = Blueprint("public", __name__)

from registry.public import catalogue, files, progress, resources, views  # noqa: E402,F401  (routes register on import)
