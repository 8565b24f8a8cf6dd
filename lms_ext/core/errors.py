"""Domain exceptions raised by services; the web layer maps them to HTTP statuses."""


class DomainError(Exception):
    """Base class; `message` is user-facing and already translated."""

    status = 400

    def __init__(self, message: str = ''):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    """A rule that needs the database failed (schemas check the shape).

    `errors` maps each place (a field, or e.g. 'line 12' of an imported file) to its messages; by
    default the one `field` with `message`.
    """

    status = 422

    def __init__(self, field: str, message: str, *, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.field = field
        self._errors = errors

    @property
    def errors(self) -> dict[str, list[str]]:
        return self._errors or {self.field: [self.message]}
