"""Views of the applicant area."""
from registry.applicant import bp  # noqa: F401
