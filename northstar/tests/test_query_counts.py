"""Every page a person can read and every read of the API sends as many queries for a workspace four times as large:
query counts never grow with the data. The pages and operations are found by walking the URL configuration and the
OpenAPI document, so a new one is checked the moment it exists; the two workspaces are made by `generate` (the
same shapes, four times the rows) with one baseline, scenario, review and webhook each. Remembered pages are off:
this measures computing each answer."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from northstar.exchange.generate import Scale, generate
from northstar.insights import actions as insight_actions
from northstar.insights.models import Review
from northstar.integrations import actions as integration_actions
from northstar.integrations.models import Webhook
from northstar.okrs.models import CheckIn, KeyResult, Objective, Period
from northstar.roadmap import actions as roadmap_actions
from northstar.roadmap import scenario_actions
from northstar.roadmap.models import Baseline, Contribution, Dependency, Scenario, WorkItem
from northstar.testing import freeze_today
from northstar.tests.test_every_url_is_guarded import page_routes
from northstar.workspaces.models import Membership, Team
from northstar.workspaces.permissions import actor_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
SMALL = Scale(
    teams=3, objectives=6, key_results=18, check_ins=90, work_items=16, dependencies=16, contributions=12
)
LARGE = Scale(
    teams=12, objectives=24, key_results=72, check_ins=360, work_items=64, dependencies=64, contributions=48
)

# which row fills a route's number, by the start of the page's name or the API path's first segment
PAGE_ROWS = [
    ("key-result-create", Objective), ("coach-check-key-result", Objective), ("objective", Objective),
    ("key-result", KeyResult), ("check-in", KeyResult), ("team", Team), ("member", Membership),
    ("period", Period), ("work-item", WorkItem), ("dependency-add", WorkItem), ("contribution-add", WorkItem),
    ("dependency-remove", Dependency), ("contribution-remove", Contribution), ("scenario", Scenario),
    ("review", Review), ("webhook", Webhook),
]  # fmt: skip
API_ROWS = {
    "teams": Team, "periods": Period, "objectives": Objective, "key-results": KeyResult, "check-ins": CheckIn,
    "work-items": WorkItem, "baselines": Baseline, "scenarios": Scenario, "reviews": Review, "webhooks": Webhook,
}  # fmt: skip
# addresses that are not a member's reads (signing out, links with tokens, one-time confirmations)
NOT_READS = {"logout", "language", "invitation-accept", "calendar-feed", "exchange-confirm", "token-revoke"}
FORMATS = {"exchange-export": "yaml", "exchange-template": "csv"}


def workspace_of(scale, slug):
    workspace = generate(scale, name=slug, slug=slug, today=TODAY, seed=3)
    owner = Membership.objects.filter(workspace=workspace, role="owner").select_related("user").first().user
    actor = actor_for(owner, workspace)
    period = Period.objects.filter(workspace=workspace).order_by("start").first()
    roadmap_actions.save_baseline(actor, name="Plan")
    scenario_actions.create_scenario(actor, name="What if", period=period.pk)
    insight_actions.create_review(actor, period=period.pk, as_of=TODAY)
    integration_actions.create_webhook(
        actor, name="Chat", url="https://hooks.example/x", events=["check_in.recorded"]
    )
    client = Client()
    client.force_login(owner)
    return workspace, client


def first_row(model, workspace):
    return model.objects.filter(workspace=workspace).order_by("id").values_list("id", flat=True).first()


def page_urls(workspace):
    urls = {}
    for route, name in page_routes():
        if not name or name in NOT_READS:
            continue
        path = route.replace("<str:fmt>", FORMATS.get(name, "x"))
        if "<int:" in path:
            model = next((m for prefix, m in PAGE_ROWS if name.startswith(prefix)), None)
            row = first_row(model, workspace) if model else None
            if row is None or "<str:" in path:
                continue
            path = re.sub(r"<int:[^>]+>", str(row), path)
        urls[name] = "/" + path
    return urls


def api_urls(client, workspace):
    document = client.get("/api/v1/openapi.json").json()
    urls = {}
    for path, methods in document["paths"].items():
        if "get" not in methods or path.endswith("/openapi.json") or path.endswith("/docs"):
            continue
        if "{id}" in path:
            model = API_ROWS.get(path.split("/")[3])
            row = first_row(model, workspace) if model else None
            if row is None:
                continue
            path = path.replace("{id}", str(row))
        urls[path] = path
    return urls


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def test_no_page_and_no_api_read_sends_more_queries_for_four_times_the_data(settings, monkeypatch):
    settings.NORTHSTAR_PAGE_MEMORY_SECONDS = 0
    freeze_today(monkeypatch, TODAY)
    counts = {}
    for label, scale in (("small", SMALL), ("large", LARGE)):
        workspace, client = workspace_of(scale, f"counts-{label}")
        urls = {**page_urls(workspace), **api_urls(client, workspace)}
        counts[label] = {key: (url, *count_queries(client, url)) for key, url in urls.items()}
    measured = 0
    grown = []
    for key, (url, status, small) in counts["small"].items():
        if key not in counts["large"]:
            continue
        _url, large_status, large = counts["large"][key]
        if status != 200 or large_status != 200:  # a form's POST address (405), or sign-in (302)
            continue
        measured += 1
        if large > small:
            grown.append(f"{key}: {small} → {large} queries ({url})")
    assert not grown, "\n".join(grown)
    assert measured >= 70, measured
