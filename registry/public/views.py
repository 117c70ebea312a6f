"""Views of the public area."""
from registry.public import bp  # noqa: F401
