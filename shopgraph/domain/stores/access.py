"""Which project a request may act on, from its key, its path slug or its host."""

from __future__ import annotations

import ipaddress

from shopgraph.db.models import KeyKind
from shopgraph.db.state import BY_DOMAIN, BY_KEY, BY_SLUG, ProjectState, StateReader
from shopgraph.domain.stores.error_codes import StoreErrorCode
from shopgraph.domain.stores.keys import hash_key, is_live, looks_like_key
from shopgraph.errors import NotFound, Unauthorized
from shopgraph.ids import now_ms

# One message for every refusal, so that a caller cannot tell an unknown project from a wrong key.
REFUSED = "a valid API key for this project is required"


def _refuse() -> Unauthorized:
    return Unauthorized(REFUSED)


async def _by_key(reader: StateReader, key: str) -> ProjectState:
    if not looks_like_key(key):
        raise _refuse()
    state = await reader.fetch(BY_KEY, hash_key(key))
    if state is None or not is_live(state.key_revoked_at, state.key_expires_at, now_ms()):
        raise _refuse()
    reader.key_use.note(state)
    return state


async def project_from_slug(
    reader: StateReader, slug: str, key: str | None, *, require_key: bool = True
) -> ProjectState:
    """Aerostack paths: the slug names the project, and the key must be one of its keys."""
    if key:
        state = await _by_key(reader, key)
        if state.slug != slug:
            raise _refuse()
        return state
    if require_key:
        raise _refuse()
    found = await reader.fetch(BY_SLUG, slug)
    if found is None:
        raise _refuse()
    return found


async def project_named(reader: StateReader, slug: str) -> ProjectState:
    """A project by its slug alone, as provider webhooks name it: no key, and an unknown slug is a 404."""
    state = await reader.fetch(BY_SLUG, slug)
    if state is None:
        raise NotFound("no such project", code=StoreErrorCode.PROJECT_NOT_FOUND)
    return state


def slug_from_host(host: str | None, base_domain: str | None) -> str | None:
    if not host or not base_domain:
        return None
    suffix = "." + base_domain
    if host.endswith(suffix):
        label = host[: -len(suffix)]
        if label and "." not in label:
            return label
    return None


def could_be_custom_domain(host: str) -> bool:
    if "." not in host:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False


async def project_from_host_or_key(
    reader: StateReader, host: str | None, base_domain: str | None, key: str | None, *, require_key: bool = True
) -> ProjectState:
    """Aerocall paths: the project of the key, or of the host; when both name one, it must be the same."""
    host = (host or "").split(":", 1)[0].strip().lower().rstrip(".") or None
    host_state: ProjectState | None = None
    host_names_project = False
    if host:
        slug = slug_from_host(host, base_domain)
        if slug is not None:
            host_names_project = True
            host_state = await reader.fetch(BY_SLUG, slug)
        elif could_be_custom_domain(host):
            host_state = await reader.fetch(BY_DOMAIN, host)
            host_names_project = host_state is not None
    if key:
        state = await _by_key(reader, key)
        if host_names_project and (host_state is None or host_state.project_id != state.project_id):
            raise _refuse()
        return state
    if require_key or host_state is None:
        raise _refuse()
    return host_state


def require_secret(state: ProjectState) -> ProjectState:
    if state.key_kind != KeyKind.SECRET:
        raise _refuse()
    return state
