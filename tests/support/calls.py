"""Counting the calls a test cares about, through the name the code under test looks up."""

from __future__ import annotations

from typing import Any

import pytest


def count_calls(monkeypatch: pytest.MonkeyPatch, module: object, name: str, function: Any) -> list[object]:
    """`module.name` replaced by `function` that records each call's arguments in the list returned."""
    calls: list[object] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return function(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls
