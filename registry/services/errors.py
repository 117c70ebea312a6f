"""Domain errors. The API maps them to status codes, the pages to flashed messages."""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    """A stale version, a lost race or an action the current state does not allow."""

    status_code = 409


class ValidationFailed(DomainError):
    status_code = 422
