"""The codes stores answer with."""

from __future__ import annotations

from enum import StrEnum


class StoreErrorCode(StrEnum):
    PROJECT_NOT_FOUND = "PROJECT_NOT_FOUND"
    PROJECT_EXISTS = "PROJECT_EXISTS"
    INVALID_SETTING = "INVALID_SETTING"
    UNKNOWN_SETTING = "UNKNOWN_SETTING"
    DOMAIN_TAKEN = "DOMAIN_TAKEN"
