from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from northstar.insights.alignment import alignment_map as read_alignment_map
from northstar.okrs import queries as okr_queries
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import today, workspace_view


@workspace_view()
def alignment_map(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The alignment map of a period (?period=<id>, else the current one). An HTMX request that targets the
    tree (the period picker) gets the tree alone."""
    now = today()
    periods, period = okr_queries.chosen_period(actor, request.GET.get("period"), now)
    context = {
        "map": read_alignment_map(actor, today=now, period=period),
        "periods": periods,
        "period": period,
    }
    if request.htmx and request.htmx.target == "alignment-tree":
        return render(request, "insights/alignment.html#tree", context)
    return render(request, "insights/alignment.html", context)
