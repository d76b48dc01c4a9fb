"""Subprocesses of the benchmark: each in its own process group, pinned to a CPU, stopped however the run ends."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
SERVER_CPU = 0
LOAD_CPU = 1
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0

_running: set[subprocess.Popen[bytes]] = set()


class BenchError(Exception):
    pass


@functools.cache
def can_pin() -> bool:
    """Whether both CPUs are ours to pin to (decided once, before this process pins itself to the load CPU)."""
    return shutil.which("taskset") is not None and {SERVER_CPU, LOAD_CPU} <= os.sched_getaffinity(0)


def pin_this_process_to_load_cpu() -> None:
    """The benchmark's own Python clients run on the load generator's CPU, never on the server's."""
    if can_pin():
        os.sched_setaffinity(0, {LOAD_CPU})


def pinned(cpu: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *command] if can_pin() else command


def spawn(command: list[str], *, env: dict[str, str] | None = None, log: Path | None = None) -> subprocess.Popen[bytes]:
    """Starts a process in a new session (its own process group), remembered so that `stop_all` ends it.

    Its output goes to `log` when given, else to pipes for the caller to read.
    """
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(log.open("wb")) if log is not None else None
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output if output is not None else subprocess.PIPE,
            stderr=subprocess.STDOUT if output is not None else subprocess.PIPE,
            start_new_session=True,
        )
    _running.add(process)
    return process


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signals the process group, waits, then kills it if it lingers."""
    try:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_SECONDS)
        # Children left behind in the group (there should be none) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    finally:
        _running.discard(process)


def stop_all() -> None:
    for process in list(_running):
        stop(process)


def run_bounded(command: list[str], seconds: float, env: dict[str, str] | None = None) -> str:
    """Runs a command to completion within `seconds`; its stdout, or BenchError with its stderr."""
    process = spawn(command, env=env)
    try:
        stdout, stderr = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{' '.join(command[:4])} did not finish within {seconds:g}s") from error
    finally:
        stop(process)
    if process.returncode != 0:
        message = (stderr or b"").decode(errors="replace").strip()[-2000:]
        raise BenchError(f"{' '.join(command[:4])} failed ({process.returncode}): {message}")
    return stdout.decode(errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Memory:
    rss_mb: float
    peak_rss_mb: float


def memory_of(pid: int) -> Memory:
    """VmRSS and VmHWM of a running process, from /proc/<pid>/status."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) / 1024
    return Memory(rss_mb=round(fields["VmRSS"], 1), peak_rss_mb=round(fields["VmHWM"], 1))


@dataclass(frozen=True)
class Server:
    base: str
    pid: int

    def memory(self) -> Memory:
        return memory_of(self.pid)


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"server exited with {process.returncode}:\n{_log_tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    raise BenchError(f"server did not answer /healthz within {STARTUP_SECONDS:g}s:\n{_log_tail(log)}")


SHOPGRAPH_APP = ["shopgraph.app:create_app", "--factory"]
BARE_APP = ["bench.bare_app:app"]


@contextlib.contextmanager
def server(app: list[str], env: dict[str, str], log: Path) -> Iterator[Server]:
    """One uvicorn process (1 worker, no access log) pinned to the server CPU; stopped however the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", *app, "--host", HOST, "--port", str(port), "--workers", "1"]
    command += ["--no-access-log", "--log-level", "warning"]
    # taskset execs the command, so the process we start is the uvicorn process whose memory we read.
    process = spawn(pinned(SERVER_CPU, command), env=env, log=log)
    try:
        base = f"http://{HOST}:{port}"
        _wait_healthy(base, process, log)
        yield Server(base=base, pid=process.pid)
    finally:
        stop(process)
