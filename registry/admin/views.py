"""Views of the admin area."""
from registry.admin import bp  # noqa: F401
