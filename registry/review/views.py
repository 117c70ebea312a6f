"""Views of the review area."""
from registry.review import bp  # noqa: F401
