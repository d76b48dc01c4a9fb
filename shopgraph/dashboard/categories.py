"""Categories: the tree, create and edit (name, slug, parent, description, position) over the admin functions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.product_forms import whole_number
from shopgraph.dashboard.web import posted, redirect, render, runtime_of
from shopgraph.db.models import Category
from shopgraph.domain.catalog import admin_categories
from shopgraph.domain.stores.dashboard_sessions import SignedIn
from shopgraph.errors import DomainError


def tree(categories: list[Category]) -> list[tuple[int, Category]]:
    """Each category with its depth, parents before their children."""
    children: dict[str | None, list[Category]] = {}
    known = {category.id for category in categories}
    for category in categories:
        parent = category.parent_id if category.parent_id in known else None
        children.setdefault(parent, []).append(category)
    ordered: list[tuple[int, Category]] = []

    def walk(parent: str | None, depth: int) -> None:
        for category in children.get(parent, []):
            ordered.append((depth, category))
            walk(category.id, depth + 1)

    walk(None, 0)
    return ordered


def category_given(form: dict[str, str], *, new: bool) -> dict[str, object]:
    given: dict[str, object] = {
        "name": form.get("name", "").strip(),
        "description": form.get("description", ""),
        "parent_id": form.get("parent_id", "").strip() or None,
    }
    slug = form.get("slug", "").strip()
    if slug or not new:
        given["slug"] = slug
    position = whole_number(form.get("position", ""))
    if position is not None:
        given["position"] = position
    return given


async def _page(request: Request, me: SignedIn, *, error: DomainError | None = None, editing: str = "") -> Response:
    async with runtime_of(request).database.read() as session:
        categories = await admin_categories.list_categories(session, me.project_id)
    return render(
        request,
        "categories.html",
        status=error.status if error else 200,
        me=me,
        tree=tree(categories),
        error=error,
        editing=editing,
        values=posted(request) if error else {},
        notice=request.query_params.get("done"),
    )


async def category_list(request: Request, me: SignedIn) -> Response:
    if request.method == "GET":
        return await _page(request, me)
    try:
        async with runtime_of(request).database.write() as session:
            await admin_categories.create_category(session, me.project_id, category_given(posted(request), new=True))
    except DomainError as error:
        return await _page(request, me, error=error, editing="new")
    return redirect("/categories", done="created")


async def edit_category(request: Request, me: SignedIn) -> Response:
    category_id = request.path_params["category_id"]
    try:
        async with runtime_of(request).database.write() as session:
            await admin_categories.update_category(
                session, me.project_id, category_id, category_given(posted(request), new=False)
            )
    except DomainError as error:
        return await _page(request, me, error=error, editing=category_id)
    return redirect("/categories", done="saved")
