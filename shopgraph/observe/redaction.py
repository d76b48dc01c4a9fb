"""Secrets taken out of any text bound for a log: keys by their shapes, and the values the settings hold.

Python's regular expressions cost microseconds on a line of a few hundred characters, so each pattern runs only on
lines that hold one of its literal triggers: a request's log line has none and costs a few substring tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

MASK = "[redacted]"


def _masked(match: re.Match[str]) -> str:
    return (match.group("keep") or "") + MASK


# (triggers, pattern): a pattern is tried only when the text holds one of its triggers.
_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    # shopgraph's keys and Stripe's (secret, restricted, publishable)
    (("sk_", "pk_", "rk_"), re.compile(r"(?P<keep>)(?<![A-Za-z0-9])(?:sk|pk|rk)_[A-Za-z0-9_\-]{6,}")),
    # webhook signing secrets, Razorpay key ids
    (("whsec_",), re.compile(r"(?P<keep>)(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=_\-]{6,}")),
    (("rzp_",), re.compile(r"(?P<keep>)(?<![A-Za-z0-9])rzp_(?:test|live)_[A-Za-z0-9]+")),
    # ?token= in a URL, Authorization values, the password in scheme://user:password@host
    (("token=",), re.compile(r"(?P<keep>[?&;]token=)[^&\s\"'<>\\]+")),
    (("earer", "EARER", "asic", "ASIC"), re.compile(r"(?i)(?P<keep>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=\-]+")),
    (("://",), re.compile(r"(?P<keep>://[^/\s:@\"']+:)[^@\s\"'/]+(?=@)")),
)


class Redactor:
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
        for triggers, pattern in _RULES:
            for trigger in triggers:
                if trigger in text:
                    text = pattern.sub(_masked, text)
                    break
        return text


redact: Callable[[str], str] = Redactor()
