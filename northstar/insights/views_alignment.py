from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from northstar.core.paging import pages_by_size
from northstar.insights.alignment import alignment_map as read_alignment_map
from northstar.insights.alignment import matching, rows
from northstar.okrs import queries as okr_queries
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import first_of, int_param, query_without_page, today, workspace_view

MAP_ROWS = 1_000  # rows one page of the map draws, whole top-level trees at a time (24,873 at medium scale)
UNLINKED_SHOWN = 200  # work items in the "not linked to any OKR" branch; the coverage report has every one


@workspace_view()
def alignment_map(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The alignment map of a period (?period=<id>, else the current one), a few top-level objectives with
    everything under them a page (``?page=``), or what matches ``?q=`` in the whole map. An HTMX request that
    targets the tree (the period picker, the pages) gets the tree alone."""
    now = today()
    periods, period = okr_queries.chosen_period(actor, request.GET.get("period"), now)
    whole = read_alignment_map(actor, today=now, period=period)
    query = (request.GET.get("q") or "").strip()[:100]
    shown = matching(whole, query) if query else whole
    pages = pages_by_size([rows(r) for r in shown.roots], MAP_ROWS)
    number = min(max(int_param(request.GET.get("page")) or 1, 1), len(pages))
    start, end = pages[number - 1]
    unlinked, unlinked_more = first_of(shown.orphans, UNLINKED_SHOWN)
    context = {
        "map": whole,
        "roots": shown.roots[start:end],
        "has_unlinked": bool(shown.orphans),
        "unlinked": unlinked,
        "unlinked_more": unlinked_more,
        "query": query,
        "nothing_matches": bool(query) and not shown.roots and not shown.orphans,
        "number": number,
        "pages": len(pages),
        "first": start + 1,
        "last": end,
        "root_count": len(shown.roots),
        "page_base": query_without_page(request),
        "periods": periods,
        "period": period,
    }
    if request.htmx and request.htmx.target == "alignment-tree":
        return render(request, "insights/alignment.html#tree", context)
    return render(request, "insights/alignment.html", context)
