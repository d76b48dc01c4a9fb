"""wrk, pinned to the load CPU, driven by `lua/requests.lua` over a file of requests; and its output parsed."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.measurement import Measurement
from bench.processes import BENCH, LOAD_CPU, BenchError, pinned, spawn, stop

SCRIPT = BENCH / "lua" / "requests.lua"
TIMEOUT_SECONDS = 30
"""Past this wrk counts a request as a timeout error; long, so that slow answers still show in the p99."""
GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Target:
    """What wrk sends: the lines of `requests` (see lua/requests.lua), in file order or at random."""

    name: str
    requests: Path
    order: str = "cycle"
    body_template: str | None = None
    authorization: str | None = None


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(output: str, percent: int) -> float:
    found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if found is None:
        raise BenchError(f"no p{percent} in wrk output:\n{output}")
    return float(found.group(1)) * _UNIT_MS[found.group(2)]


def _counts(pattern: str, output: str) -> list[int]:
    found = re.search(pattern, output, re.MULTILINE)
    return [int(value) for value in found.groups()] if found else [0]


def parse_wrk(output: str) -> Measurement:
    """The summary `wrk --latency` prints: rate, p50 and p99, socket errors, and responses with status >= 400."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rate is None:
        raise BenchError(f"no Requests/sec in wrk output:\n{output}")
    requests = _counts(r"^\s*(\d+) requests in", output)[0]
    if requests == 0:
        return Measurement(requests=0, requests_per_second=0.0, p50_ms=0.0, p99_ms=0.0)
    return Measurement(
        requests=requests,
        requests_per_second=float(rate.group(1)),
        p50_ms=_latency_ms(output, 50),
        p99_ms=_latency_ms(output, 99),
        errors=sum(_counts(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)),
        non_2xx=_counts(r"Non-2xx or 3xx responses: (\d+)", output)[0],
    )


def find_wrk() -> str:
    """wrk on PATH, installed with apt-get first when missing and running as root."""
    if shutil.which("wrk") is None and os.geteuid() == 0:
        print("wrk not found: installing it with apt-get", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            if subprocess.run(install, env=env, capture_output=True, timeout=300, check=False).returncode != 0:
                subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=300, check=False)
                subprocess.run(install, env=env, capture_output=True, timeout=300, check=False)
    executable = shutil.which("wrk")
    if executable is None:
        raise BenchError("wrk is needed: apt-get install wrk")
    return executable


class Wrk:
    name = "wrk"

    def __init__(self, executable: str) -> None:
        self.executable = executable

    def start(self, base: str, target: Target, seconds: float, connections: int) -> subprocess.Popen[bytes]:
        command = [self.executable, "--latency", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s"]
        command += ["--timeout", f"{TIMEOUT_SECONDS}s", "-s", str(SCRIPT), base]
        env = {**os.environ, "BENCH_REQUESTS": str(target.requests), "BENCH_ORDER": target.order}
        env["BENCH_BODY_TEMPLATE"] = target.body_template or ""
        env["BENCH_AUTHORIZATION"] = target.authorization or ""
        return spawn(pinned(LOAD_CPU, command), env=env)

    def finish(self, process: subprocess.Popen[bytes], seconds: float) -> Measurement:
        try:
            stdout, stderr = process.communicate(timeout=seconds + GRACE_SECONDS)
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"wrk did not finish within {seconds + GRACE_SECONDS:g}s") from error
        finally:
            stop(process, signal.SIGINT)
        if process.returncode != 0:
            raise BenchError(f"wrk failed ({process.returncode}): {stderr.decode(errors='replace')[-2000:]}")
        return parse_wrk(stdout.decode(errors="replace"))

    def run(self, base: str, target: Target, seconds: float, connections: int) -> Measurement:
        return self.finish(self.start(base, target, seconds, connections), seconds)
