"""schemathesis over the OpenAPI document against a real `shopgraph serve --demo`, every phase (examples, coverage,
fuzzing, stateful), with a fixed seed and a time budget: no 5xx, every answer as its schema says, no status the
document does not list.

The seed and the budget are recorded in the README. The rate limits are off (schemathesis sends thousands of
requests from one address, most of them meant to fail), and the Aerostack paths' project slug is the demo's, so
those operations reach the store instead of a 401.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support.cli import database_environment
from tests.test_serve_operations import serving

SEED = 20261202
MAX_SECONDS = 45  # per database; fuzzing and stateful testing repeat until the budget is spent
HARD_CAP_SECONDS = MAX_SECONDS + 75
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
PHASES = "examples,coverage,fuzzing,stateful"
SCHEMATHESIS = Path(sys.executable).parent / "st"


def _environment(database_url: str) -> dict[str, str]:
    return {
        **database_environment(database_url),
        "SHOPGRAPH_RATE_LIMIT": "off",
        "SHOPGRAPH_FAILED_LOOKUP_LIMIT": "off",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
    }


def test_schemathesis_finds_nothing_in_any_phase(database_url: str, tmp_path: Path) -> None:
    with serving(tmp_path, environment=_environment(database_url)) as (base_url, _stderr):
        key = re.search(r"public key\s+(pk_\S+)", (tmp_path / "stdout.txt").read_text())
        assert key is not None
        config = tmp_path / "schemathesis.toml"
        config.write_text('[parameters]\nprojectSlug = "demo"\n')

        # when
        run = subprocess.run(
            [
                str(SCHEMATHESIS), "--config-file", str(config), "run", f"{base_url}/api/v1/openapi.json",
                "--header", f"Authorization: Bearer {key.group(1)}",
                "--seed", str(SEED), "--max-time", str(MAX_SECONDS), "--max-examples", "20",
                "--phases", PHASES, "--checks", CHECKS, "--no-color",
                "--report-dir", str(tmp_path / "report"),
            ],
            cwd=tmp_path, capture_output=True, text=True, timeout=HARD_CAP_SECONDS, check=False,
        )  # fmt: skip

    # then
    summary = run.stdout[-6000:]
    assert run.returncode == 0, summary + run.stderr[-2000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ {phase}", run.stdout), summary  # every phase ran, and passed
    assert re.search(r"\d+ generated, \d+ passed", run.stdout), summary
