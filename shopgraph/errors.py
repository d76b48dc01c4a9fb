"""The one error model: domain code raises these, each door renders them."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field
        self.extra = extra or {}

    def as_dict(self) -> dict[str, object]:
        return {"message": self.message, "code": self.code, **self.extra}

    def headers(self) -> dict[str, str]:
        """Response headers the error's answer carries (REST; GraphQL answers with them too where it can)."""
        return {}


class InvalidInput(DomainError):
    status = 400
    code = "INVALID_INPUT"


class InvalidParameter(InvalidInput):
    code = "INVALID_PARAMETER"

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter}: {problem}", field=parameter)


class Unauthorized(DomainError):
    status = 401
    code = "UNAUTHORIZED"


class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"


class Conflict(DomainError):
    status = 409
    code = "CONFLICT"


class InsufficientStock(Conflict):
    code = "INSUFFICIENT_STOCK"


class TooManyAttempts(DomainError):
    """Too many failed guesses against one target (an email's orders): wait, then try again."""

    status = 429
    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(f"{message}; try again in {retry_after} seconds")
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"retry-after": str(self.retry_after)}


class PaymentProviderError(DomainError):
    status = 502
    code = "PAYMENT_PROVIDER_ERROR"


__all__ = [
    "Conflict",
    "DomainError",
    "InsufficientStock",
    "InvalidInput",
    "InvalidParameter",
    "NotFound",
    "PaymentProviderError",
    "TooManyAttempts",
    "Unauthorized",
]
