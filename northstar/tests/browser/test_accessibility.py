"""axe-core finds no serious or critical accessibility violations on any page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from northstar.okrs.models import KeyResult, Objective, Period
from northstar.roadmap.models import WorkItem
from northstar.workspaces.models import Team

from .conftest import NARROW, WIDE

BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.browser
def test_every_page_has_no_serious_accessibility_violations(ui, demo):
    page = ui.page
    objective = Objective.objects.get(title="Increase recurring revenues over the next year")
    key_result = KeyResult.objects.filter(objective=objective).order_by("pk").first()
    team = Team.objects.get(name="Growth")
    period = Period.objects.get(name="FY27 Q2")
    initiative = WorkItem.objects.get(title="Annual plan offer at renewal")
    found: list[str] = []

    ui.visit("/login/")  # signed out
    found += blocking_violations(page)

    ui.sign_in()
    pages = [
        "/",
        "/okrs/",
        f"/okrs/{objective.pk}/",
        f"/key-results/{key_result.pk}/",
        "/okrs/new/",
        f"/okrs/{objective.pk}/key-results/new/",
        f"/okrs/{objective.pk}/edit/",
        f"/key-results/{key_result.pk}/edit/",
        "/settings/teams/",
        f"/settings/teams/{team.pk}/",
        "/settings/periods/",
        f"/settings/periods/{period.pk}/",
        "/settings/members/",
        "/settings/",
        "/settings/tokens/",
        "/password/",
        "/roadmap/",
        "/roadmap/board/",
        "/roadmap/list/",
        f"/roadmap/items/{initiative.pk}/",
        "/roadmap/items/new/",
        f"/roadmap/items/{initiative.pk}/edit/",
        f"/roadmap/items/{initiative.pk}/dependencies/new/",
        f"/roadmap/items/{initiative.pk}/serves/new/",
        "/insights/coverage/",
        "/insights/backlog/",
        "/insights/optimise/",
    ]
    for path in pages:
        ui.visit(path)
        found += blocking_violations(page)
        if path == "/okrs/":
            ui.shot("okr-page-1440.png")

    page.set_viewport_size(NARROW)
    for path in ("/okrs/", "/roadmap/"):
        ui.visit(path)
        found += blocking_violations(page)
    ui.shot("roadmap-390.png")
    page.set_viewport_size(WIDE)
    ui.settled()

    assert not found, "serious or critical accessibility violations:\n" + "\n".join(found)
