"""The files in deploy/ start commands that exist, with options the command takes."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from shopgraph.cli import build_parser
from shopgraph.settings import VARIABLES

DEPLOY = Path(__file__).parents[1] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text().replace("\\\n", " "))
    return parser


@pytest.mark.parametrize(("name", "command"), [("shopgraph.service", "serve"), ("shopgraph-worker.service", "worker")])
def test_each_unit_runs_its_command_with_options_the_command_takes(name: str, command: str) -> None:
    # given
    service = unit(name)["Service"]
    program, *arguments = shlex.split(service["ExecStart"])

    # when
    parsed = build_parser().parse_args(arguments)

    # then
    assert program.endswith("/shopgraph")
    assert parsed.command == command
    assert service["RestartPreventExitStatus"] == "2"
    assert service["EnvironmentFile"] == "/etc/shopgraph/shopgraph.env"


def test_the_api_unit_stays_behind_its_proxy() -> None:
    arguments = build_parser().parse_args(shlex.split(unit("shopgraph.service")["Service"]["ExecStart"])[1:])
    assert arguments.host == "127.0.0.1"
    assert arguments.forwarded_allow_ips == "127.0.0.1"
    assert arguments.no_worker


def test_the_environment_file_sets_only_known_variables() -> None:
    known = {variable.name for variable in VARIABLES}
    lines = [line.lstrip("#") for line in (DEPLOY / "shopgraph.env").read_text().splitlines()]
    named = {line.split("=", 1)[0] for line in lines if line.startswith("SHOPGRAPH_")}
    assert named and named <= known
