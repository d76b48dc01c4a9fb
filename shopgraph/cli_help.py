"""Tables in the command's help: the environment's variables, the keys of `project set`."""

from __future__ import annotations

import textwrap

from shopgraph.settings import VARIABLES


def table(rows: dict[str, str], heading: str) -> str:
    width = max(map(len, rows)) + 2
    wrap = textwrap.TextWrapper(width=110, initial_indent=" " * (width + 2), subsequent_indent=" " * (width + 2))
    lines = [f"  {name.ljust(width)}{wrap.fill(meaning)[width + 2 :]}" for name, meaning in rows.items()]
    return heading + "\n" + "\n".join(lines)


def environment_help() -> str:
    rows = {variable.name: f"{variable.meaning} (default: {variable.default})" for variable in VARIABLES}
    return table(rows, "environment (all optional; a bad value stops the command with exit status 2):")
