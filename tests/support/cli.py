"""Running the `shopgraph` command in tests, as a user would: the installed script, its own environment."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.databases import TEST_ENCRYPTION_KEY

SHOPGRAPH = Path(sys.executable).parent / "shopgraph"
COMMAND_TIMEOUT_SECONDS = 60


def database_environment(database_url: str) -> dict[str, str]:
    """The variables that point a shopgraph process at `database_url`, with the test encryption key off SQLite."""
    environment = {"SHOPGRAPH_DATABASE_URL": database_url}
    if not database_url.startswith("sqlite"):
        environment["SHOPGRAPH_ENCRYPTION_KEY"] = TEST_ENCRYPTION_KEY
    return environment


def shopgraph_environment(database_url: str | None) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("SHOPGRAPH_")}
    if database_url is not None:
        environment.update(database_environment(database_url))
    return environment


@dataclass(frozen=True)
class Cli:
    database_url: str
    working_directory: Path

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SHOPGRAPH), *arguments],
            cwd=self.working_directory,
            env=shopgraph_environment(self.database_url),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )

    async def run_async(self, *arguments: str) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            str(SHOPGRAPH),
            *arguments,
            cwd=self.working_directory,
            env=shopgraph_environment(self.database_url),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _stdout, stderr = await asyncio.wait_for(process.communicate(), COMMAND_TIMEOUT_SECONDS)
        assert process.returncode is not None
        return process.returncode, stderr.decode()


def cli_in(directory: Path) -> Cli:
    return Cli(f"sqlite+aiosqlite:///{directory / 'shopgraph.db'}", directory)


def succeeded(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


SERVER_STOP_TIMEOUT_SECONDS = 15


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as systemd stops a unit; SIGKILL if it does not end in time."""
    process.terminate()
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SERVER_STOP_TIMEOUT_SECONDS)
