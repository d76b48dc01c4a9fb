"""What one load run measured, and the arithmetic on latencies shared by every load generator."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measurement:
    """One measured run: `errors` are transport failures (connect, read, timeout), `non_2xx` HTTP error statuses."""

    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    non_2xx: int = 0


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def median(values: list[float]) -> float:
    return percentile(sorted(values), 0.5)


@dataclass
class Tally:
    """Latencies (seconds) and failures counted by a Python client."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    non_2xx: int = 0

    def measurement(self, seconds: float) -> Measurement:
        ordered = sorted(self.latencies)
        return Measurement(
            requests=len(ordered),
            requests_per_second=len(ordered) / seconds if seconds > 0 else 0.0,
            p50_ms=percentile(ordered, 0.50) * 1000,
            p99_ms=percentile(ordered, 0.99) * 1000,
            errors=self.errors,
            non_2xx=self.non_2xx,
        )
