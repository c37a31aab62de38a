"""Domain errors. Each message is user-visible and translatable."""


class DomainError(Exception):
    """A request that cannot be carried out; the message explains why."""

    status = 400
    code = "invalid"

    def __init__(self, message, *, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class LimitReached(DomainError):
    status = 402
    code = "plan_limit"


class Conflict(DomainError):
    status = 409
    code = "conflict"
