"""Views of the auth area."""
from registry.auth import bp  # noqa: F401
