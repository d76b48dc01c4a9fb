"""The codes more than one part of the domain answers with; each package keeps its own beside it."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_SLUG = "INVALID_SLUG"
    INVALID_URL = "INVALID_URL"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
