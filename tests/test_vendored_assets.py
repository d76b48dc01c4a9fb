"""The vendored front-end files are exactly what `scripts/vendor_assets.py` wrote from the npm registry."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from shopgraph.assets import STATIC_DIRECTORY, VENDOR_MANIFEST

VENDOR_DIRECTORY = STATIC_DIRECTORY / "vendor"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "vendor_assets.py"
MANIFEST: dict[str, Any] = json.loads(VENDOR_MANIFEST.read_text())
PACKAGES = MANIFEST["packages"]


def vendoring_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_assets", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("package", PACKAGES, ids=[package["name"] for package in PACKAGES])
def test_every_vendored_file_has_the_checksum_the_manifest_records(package: dict[str, Any]) -> None:
    # given
    directory = VENDOR_DIRECTORY / package["directory"]

    # when
    found = {path: hashlib.sha256((directory / path).read_bytes()).hexdigest() for path in package["files"]}

    # then
    assert found == package["files"]
    assert package["integrity"].startswith("sha512-")
    assert package["tarball"].startswith("https://registry.npmjs.org/")


@pytest.mark.parametrize("package", PACKAGES, ids=[package["name"] for package in PACKAGES])
def test_every_vendored_package_carries_its_licence(package: dict[str, Any]) -> None:
    assert package["license"]
    assert any(Path(path).name.startswith(("LICENSE", "LICENCE")) for path in package["files"]), package["files"]


def test_nothing_is_vendored_that_the_manifest_does_not_list() -> None:
    # when
    on_disk = {path.relative_to(VENDOR_DIRECTORY).as_posix() for path in VENDOR_DIRECTORY.rglob("*") if path.is_file()}
    listed = {f"{package['directory']}/{path}" for package in PACKAGES for path in package["files"]}

    # then
    assert on_disk == listed | {VENDOR_MANIFEST.name}


def test_the_manifest_is_what_the_script_pins() -> None:
    # given
    pins = vendoring_script().PINS

    # when
    pinned = [(pin.name, pin.version, pin.directory) for pin in pins]
    vendored = [(package["name"], package["version"], package["directory"]) for package in PACKAGES]

    # then: a changed pin was vendored again
    assert pinned == vendored
    for pin, package in zip(pins, PACKAGES, strict=True):
        assert set(pin.files) <= set(package["files"])
