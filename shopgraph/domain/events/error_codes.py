"""The codes events and webhook endpoints answer with."""

from __future__ import annotations

from enum import StrEnum


class EventErrorCode(StrEnum):
    INVALID_EVENT_TYPE = "INVALID_EVENT_TYPE"
    TOO_MANY_ENDPOINTS = "TOO_MANY_ENDPOINTS"
    WEBHOOK_ENDPOINT_NOT_FOUND = "WEBHOOK_ENDPOINT_NOT_FOUND"
    WEBHOOK_DELIVERY_NOT_FOUND = "WEBHOOK_DELIVERY_NOT_FOUND"
