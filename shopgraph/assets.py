"""The static files shopgraph serves itself under `/static/`: vendored front-end packages and its own scripts."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path, PurePosixPath

from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["STATIC_DIRECTORY", "STATIC_PREFIX", "StaticAssets", "static_url", "vendored_file"]

STATIC_DIRECTORY = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/static"
VENDOR_MANIFEST = STATIC_DIRECTORY / "vendor" / "manifest.json"

# Vendored paths carry their package's version, so a browser may keep them for good; our own files may change
# under the same name, so they are revalidated (StaticFiles answers 304 from their ETag).
_VENDORED_CACHE = "public, max-age=31536000, immutable"
_OWN_CACHE = "no-cache"
_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    "": "text/plain; charset=utf-8",  # LICENSE, NOTICE
}


class StaticAssets(StaticFiles):
    """StaticFiles with cache headers by kind of file and the same content types on every platform."""

    def __init__(self) -> None:
        super().__init__(directory=STATIC_DIRECTORY)

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        relative = PurePosixPath(Path(full_path).relative_to(STATIC_DIRECTORY).as_posix())
        vendored = relative.parts[0] == "vendor" and relative.name != VENDOR_MANIFEST.name
        response.headers["cache-control"] = _VENDORED_CACHE if vendored else _OWN_CACHE
        response.headers["x-content-type-options"] = "nosniff"
        content_type = _CONTENT_TYPES.get(relative.suffix)
        if content_type is not None and response.status_code == 200:
            response.headers["content-type"] = content_type
        return response


@cache
def _vendored_directories() -> dict[str, str]:
    manifest = json.loads(VENDOR_MANIFEST.read_text())
    return {package["name"]: package["directory"] for package in manifest["packages"]}


def vendored_file(package: str, path: str) -> str:
    """A vendored file's path under `/static/`, at the version the manifest records: `vendor/react-18.3.1/...`."""
    directory = _vendored_directories().get(package)
    if directory is None:
        raise LookupError(f"{package} is not vendored: add it to scripts/vendor_assets.py")
    return f"vendor/{directory}/{path}"


def static_url(request: Request, path: str) -> str:
    """A path under `/static/` as the browser must ask for it, under the app's root path when it has one."""
    return f"{request.scope.get('root_path', '')}{STATIC_PREFIX}/{path}"
