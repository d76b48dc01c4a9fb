"""Secrets taken out of any text bound for a log: keys by their shapes, and the values the settings hold."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

MASK = "[redacted]"

_SHAPES = re.compile(
    r"""
      (?<![A-Za-z0-9])(?:sk|pk|rk)_[A-Za-z0-9_\-]{6,}     # shopgraph and Stripe keys
    | (?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=_\-]{6,}         # webhook signing secrets
    | (?<![A-Za-z0-9])rzp_(?:test|live)_[A-Za-z0-9]+      # Razorpay key ids
    """,
    re.VERBOSE,
)
_AFTER_MARKER = re.compile(
    r"""
      (?P<lead>[?&;]token=)[^&\s"'<>]+                   # ?token= in a URL
    | (?P<scheme>\b(?:[Bb]earer|[Bb]asic)\s+)[A-Za-z0-9._~+/=\-]+   # Authorization values
    | (?P<userinfo>://[^/\s:@"']+:)[^@\s"'/]+(?=@)        # the password in scheme://user:password@host
    """,
    re.VERBOSE,
)


def _keep_marker(match: re.Match[str]) -> str:
    return (match.group("lead") or match.group("scheme") or match.group("userinfo")) + MASK


class Redactor:
    """Cheap on lines with nothing to hide: one scan for each pattern, and a substring test for each known value."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.known: list[str] = []
        self.add(known)

    def add(self, values: Iterable[str]) -> None:
        for value in values:
            # A value as it is, and as a JSON formatter escapes it.
            for form in {value, json.dumps(value)[1:-1]}:
                if len(form) >= 4 and form not in self.known:
                    self.known.append(form)
        self.known.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self.known:
            if value in text:
                text = text.replace(value, MASK)
        text = _SHAPES.sub(MASK, text)
        return _AFTER_MARKER.sub(_keep_marker, text)


REDACT = Redactor()
