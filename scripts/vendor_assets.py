"""Vendor the front-end assets shopgraph serves, at pinned versions, from the npm registry.

    .venv/bin/python scripts/vendor_assets.py           # fetch the pins below and rewrite shopgraph/static/vendor/
    .venv/bin/python scripts/vendor_assets.py --check   # fetch them again and compare with what is committed

Each tarball is checked against the registry's `dist.integrity` (sha512) before anything is written. Only the
files the pages load are kept, with each package's licence files, under `<package>-<version>/`; `manifest.json`
records the package, version, tarball, integrity and the sha256 of every file written. The suite checks the
files against the manifest without the network.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

REGISTRY = "https://registry.npmjs.org"
VENDOR_DIRECTORY = Path(__file__).resolve().parent.parent / "shopgraph" / "static" / "vendor"
MANIFEST_NAME = "manifest.json"
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "NOTICE", "NOTICE.md", "NOTICE.txt")


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    files: tuple[str, ...]

    @property
    def directory(self) -> str:
        return f"{self.name.removeprefix('@').replace('/', '-')}-{self.version}"


# GraphiQL 3 is the last major line with a UMD build that runs from plain script tags; it runs on React 18's UMD
# builds (React 19 has none). Swagger UI renders /docs from one bundle and its stylesheet.
PINS = (
    Pin("react", "18.3.1", ("umd/react.production.min.js",)),
    Pin("react-dom", "18.3.1", ("umd/react-dom.production.min.js",)),
    Pin("graphiql", "3.9.0", ("graphiql.min.js", "graphiql.min.css")),
    Pin("swagger-ui-dist", "5.35.0", ("swagger-ui-bundle.js", "swagger-ui.css")),
)


class VendorError(Exception):
    pass


@dataclass(frozen=True)
class Fetched:
    pin: Pin
    tarball: str
    integrity: str
    license: str
    files: dict[str, bytes]

    def manifest_entry(self) -> dict[str, object]:
        return {
            "name": self.pin.name,
            "version": self.pin.version,
            "license": self.license,
            "directory": self.pin.directory,
            "tarball": self.tarball,
            "integrity": self.integrity,
            "files": {path: hashlib.sha256(content).hexdigest() for path, content in sorted(self.files.items())},
        }


def _verify_integrity(data: bytes, integrity: str, tarball: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise VendorError(f"{tarball}: the registry gives a {algorithm} integrity, not sha512")
    if base64.b64decode(expected) != hashlib.sha512(data).digest():
        raise VendorError(f"{tarball}: the download does not match the registry's integrity {integrity}")


def _extract(pin: Pin, data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = {member.name.removeprefix("package/"): member for member in archive.getmembers() if member.isfile()}
        notices = [f"{path}.LICENSE.txt" for path in pin.files if f"{path}.LICENSE.txt" in members]
        licences = [name for name in LICENCE_NAMES if name in members]
        if not licences:
            raise VendorError(f"{pin.name}@{pin.version} ships no licence file")
        missing = [path for path in pin.files if path not in members]
        if missing:
            raise VendorError(f"{pin.name}@{pin.version} has no {', '.join(missing)}")
        extracted: dict[str, bytes] = {}
        for path in (*pin.files, *notices, *licences):
            handle = archive.extractfile(members[path])
            assert handle is not None
            extracted[path] = handle.read()
        return extracted


def fetch(client: httpx.Client, pin: Pin) -> Fetched:
    metadata_response = client.get(f"{REGISTRY}/{quote(pin.name, safe='@')}/{pin.version}")
    metadata_response.raise_for_status()
    metadata = metadata_response.json()
    tarball, integrity = metadata["dist"]["tarball"], metadata["dist"]["integrity"]
    download = client.get(tarball)
    download.raise_for_status()
    _verify_integrity(download.content, integrity, tarball)
    licence = metadata.get("license")
    files = _extract(pin, download.content)
    return Fetched(pin, tarball, integrity, licence if isinstance(licence, str) else "", files)


def write(fetched: list[Fetched], target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    for package in fetched:
        for path, content in package.files.items():
            destination = target / package.pin.directory / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
    manifest = {
        "written_by": "scripts/vendor_assets.py",
        "registry": REGISTRY,
        "packages": [package.manifest_entry() for package in fetched],
    }
    (target / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")


def differences(fetched: list[Fetched], target: Path) -> list[str]:
    found: list[str] = []
    for package in fetched:
        for path, content in package.files.items():
            on_disk = target / package.pin.directory / path
            if not on_disk.is_file() or on_disk.read_bytes() != content:
                found.append(f"{package.pin.directory}/{path} differs from {package.tarball}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vendor pinned front-end assets from the npm registry.")
    parser.add_argument("--check", action="store_true", help="compare the committed files with the registry's")
    args = parser.parse_args(argv)
    try:
        with httpx.Client(timeout=60, follow_redirects=True) as client:
            fetched = [fetch(client, pin) for pin in PINS]
    except (httpx.HTTPError, VendorError, KeyError, tarfile.TarError) as error:
        print(f"vendor_assets: {error}", file=sys.stderr)
        return 1
    if args.check:
        found = differences(fetched, VENDOR_DIRECTORY)
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    write(fetched, VENDOR_DIRECTORY)
    for package in fetched:
        size = sum(len(content) for content in package.files.values())
        print(f"{package.pin.name}@{package.pin.version} ({package.license}): {len(package.files)} files, {size:,} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
