from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from northstar.insights.queries import coverage_report
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Period
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import today, workspace_view


@workspace_view()
def coverage(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = today()
    periods = list(Period.objects.restrict(actor))
    wanted = request.GET.get("period")
    period = next((p for p in periods if str(p.pk) == wanted), None) or okr_queries.default_period(actor, now)
    report = coverage_report(actor, period, today=now) if period else None
    return render(request, "insights/coverage.html", {"report": report, "periods": periods, "period": period})
