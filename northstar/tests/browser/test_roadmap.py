"""The roadmap timeline in a browser: lanes, dependency arrows, dragging an item to new dates (saved with its version,
conflicts refreshed) and a stale save put back. The page watch fails the test on console errors or CSP violations."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from northstar.roadmap import actions
from northstar.roadmap.models import Dependency, WorkItem
from northstar.testing import TODAY
from northstar.workspaces.models import User, Workspace
from northstar.workspaces.permissions import actor_for

from .conftest import NARROW, WIDE

LANES = [
    "Increase recurring revenues over the next year",
    "Achieve maximum uptime over the next three months",
    "Ge våra kunder support i världsklass",
    "Not linked to any OKR",
]
CHECKOUT = "Annual option in checkout"  # 23 Nov – 18 Dec; depends on the billing migration, which ends 20 Nov


def ensure_work(demo) -> None:
    """The demo's work section, or (if the importer does not bring it yet) a few items built through actions."""
    workspace = Workspace.objects.get(slug=demo.workspace_slug)
    if WorkItem.objects.filter(workspace=workspace).exists():
        return
    from northstar.okrs.models import KeyResult
    from northstar.workspaces.models import Team

    boss = actor_for(User.objects.get(email=demo.login), workspace)
    growth = Team.objects.get(workspace=workspace, key="growth")
    it = Team.objects.get(workspace=workspace, key="it")
    kr = KeyResult.objects.filter(objective__workspace=workspace).order_by("pk").first()
    shift = dt.timedelta(days=(dt.date.today() - TODAY).days)
    day = lambda m, d, y=2026: dt.date(y, m, d) + shift  # noqa: E731
    offer = actions.create_work_item(
        boss, title="Annual plan offer at renewal", kind="initiative", team=growth.pk,
        start=day(9, 15), end=day(1, 31, 2027),
    )  # fmt: skip
    actions.set_contribution(boss, offer.pk, key_result=kr.pk)
    migration = actions.create_work_item(
        boss, title="Migrate subscriptions to the new billing engine", kind="task", team=it.pk,
        start=day(8, 1), end=day(11, 20),
    )  # fmt: skip
    actions.set_contribution(boss, migration.pk, key_result=kr.pk)
    checkout = actions.create_work_item(
        boss, title=CHECKOUT, kind="task", parent=offer.pk, start=day(11, 23), end=day(12, 18)
    )
    actions.create_work_item(boss, title="Dark mode for the mobile app", kind="initiative", team=growth.pk,
                             start=day(11, 1), end=day(12, 20))  # fmt: skip
    actions.add_dependency(boss, predecessor=migration.pk, successor=checkout.pk)


def open_timeline(ui):
    ui.sign_in()
    ui.visit("/roadmap/")
    expect(ui.page.locator("#roadmap-timeline")).to_have_attribute("data-ready", "true")


@pytest.mark.browser
def test_timeline_shows_lanes_arrows_and_saves_a_drag(ui, demo):
    ensure_work(demo)
    page = ui.page
    open_timeline(ui)
    labels = page.locator(".vis-labelset .vis-label .lane-label")
    expect(labels.last).to_have_text("Not linked to any OKR")
    shown = [" ".join(t.split()) for t in labels.all_text_contents()]
    assert shown[-1] == LANES[-1] and set(shown) <= set(LANES) and LANES[0] in shown, shown
    expect(page.locator(".dependency-layer path.dep").first).to_be_attached()
    expect(page.locator(".vis-custom-time.today")).to_have_count(1)
    ui.shot("roadmap-timeline-1440.png")

    item = WorkItem.objects.get(title=CHECKOUT)
    version, start = item.version, item.start
    bar = page.locator(f'.vis-item.vis-range[data-id="{item.pk}"]')
    bar.click()  # select first: vis-timeline drags selected items
    box = bar.bounding_box()
    assert box is not None
    days = page.evaluate(
        """(id) => { const t = window.NorthstarRoadmap.timeline(); const w = t.getWindow();
                     const px = document.querySelector('.vis-panel.vis-center').clientWidth;
                     return px / ((w.end - w.start) / 86400000); }""",
        item.pk,
    )
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 5 * days, y, steps=4)
    page.mouse.move(x - 10 * days, y, steps=8)
    page.mouse.up()

    expect(page.locator("#roadmap-status .message.success")).to_contain_text(CHECKOUT)
    item.refresh_from_db()
    assert item.version == version + 1
    assert 7 <= (start - item.start).days <= 13, (start, item.start)  # about ten days earlier
    assert (item.end - item.start).days == 25  # moved, not resized
    # Starting before the billing migration ends is a dependency conflict, listed under the timeline.
    conflicts = page.locator("#conflicts")
    expect(conflicts.get_by_role("link", name=CHECKOUT)).to_be_visible()
    expect(page.locator(f'.vis-item[data-id="{item.pk}"].has-conflict')).to_have_count(1)
    ui.htmx_idle()
    ui.settled()


@pytest.mark.browser
def test_a_stale_move_is_put_back_and_explained(ui, demo):
    ensure_work(demo)
    page = ui.page
    open_timeline(ui)
    item = WorkItem.objects.get(title=CHECKOUT)
    start, end = item.start, item.end
    # Someone else saves in the meantime: the page's version is now stale.
    owner = actor_for(User.objects.get(email=demo.login), item.workspace)
    actions.update_work_item(owner, item.pk, title=CHECKOUT)
    later = (start + dt.timedelta(days=7)).isoformat(), (end + dt.timedelta(days=7)).isoformat()
    saved = page.evaluate("([id, s, e]) => window.NorthstarRoadmap.move(id, s, e)", [item.pk, *later])
    assert saved is False
    expect(page.locator("#roadmap-status .message.warning")).to_contain_text("Someone else changed")
    # Chromium logs every 4xx answer to fetch() as a console error; this 409 is the one we provoked.
    ui.watch.problems = [p for p in ui.watch.problems if "status of 409 (Conflict)" not in p]
    item.refresh_from_db()
    assert (item.start, item.end) == (start, end)
    # After the refresh the page has the new version, so the same move now saves.
    page.wait_for_function(
        "([id, v]) => window.NorthstarRoadmap.item(id).version === v", arg=[item.pk, item.version]
    )
    assert page.evaluate("([id, s, e]) => window.NorthstarRoadmap.move(id, s, e)", [item.pk, *later]) is True
    item.refresh_from_db()
    assert item.start.isoformat() == later[0]


@pytest.mark.browser
def test_roadmap_pages_at_both_widths(ui, demo):
    ensure_work(demo)
    page = ui.page
    ui.sign_in()
    item = WorkItem.objects.get(title=CHECKOUT)
    for size, suffix in ((WIDE, "1440"), (NARROW, "390")):
        page.set_viewport_size(size)
        for path, name in (
            ("/roadmap/", "timeline"),
            ("/roadmap/board/", "board"),
            ("/roadmap/list/", "list"),
            (f"/roadmap/items/{item.pk}/", "item"),
        ):
            ui.visit(path)
            if name == "timeline":
                expect(page.locator("#roadmap-timeline")).to_have_attribute("data-ready", "true")
            expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"\S"))
            ui.shot(f"roadmap-{name}-{suffix}.png")


@pytest.mark.browser
def test_over_allocation_is_drawn_on_the_timeline(ui, demo):
    """Growth cut to 40 person-days in the quarter: a capacity lane on top says so in words, across the quarter."""
    ensure_work(demo)
    from northstar.okrs.models import Period
    from northstar.workspaces.models import Team

    workspace = Workspace.objects.get(slug=demo.workspace_slug)
    boss = actor_for(User.objects.get(email=demo.login), workspace)
    growth = Team.objects.get(workspace=workspace, key="growth")
    quarter = Period.objects.get(workspace=workspace, key="FY27-Q2")
    actions.set_capacity(boss, team=growth.pk, period=quarter.pk, person_days=40)
    page = ui.page
    open_timeline(ui)
    labels = page.locator(".vis-labelset .vis-label .lane-label")
    expect(labels.first).to_have_text("Over capacity")
    bar = page.locator(".vis-item.capacity-over")
    expect(bar).to_have_count(1)
    expect(bar).to_contain_text(re.compile(r"Growth over capacity in FY27 Q2: [\d.]+ of 40 person-days"))
    ui.shot("roadmap-capacity-1440.png")


@pytest.mark.browser
def test_choosing_a_team_draws_its_work_alone_and_keeps_it_after_a_move(ui, demo):
    ensure_work(demo)
    from northstar.workspaces.models import Team

    workspace = Workspace.objects.get(slug=demo.workspace_slug)
    it = Team.objects.get(workspace=workspace, key="it")
    items = WorkItem.objects.filter(workspace=workspace)
    theirs = set(items.filter(team=it).values_list("pk", flat=True))
    others = set(items.exclude(team=it).values_list("pk", flat=True))
    assert theirs and others
    page = ui.page
    open_timeline(ui)
    page.locator("#timeline-team").select_option(str(it.pk))
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"team={it.pk}"))
    expect(page.locator("#roadmap-timeline")).to_have_attribute("data-ready", "true")
    every = sorted(theirs | others)
    known = "ids => ids.filter((id) => window.NorthstarRoadmap.item(id) !== undefined)"
    drawn = lambda: set(page.evaluate(known, every))  # noqa: E731
    assert drawn() == theirs
    # a move saves, and the timeline drawn afresh is still the team's
    item = items.filter(team=it).exclude(start=None).exclude(end=None).exclude(kind="milestone").first()
    later = (item.start + dt.timedelta(days=3)).isoformat(), (item.end + dt.timedelta(days=3)).isoformat()
    page.evaluate(
        "() => document.body.addEventListener('roadmap:changed', () => { window.refreshed = true }, {once: true})"
    )
    assert page.evaluate("([id, s, e]) => window.NorthstarRoadmap.move(id, s, e)", [item.pk, *later]) is True
    page.wait_for_function("() => window.refreshed === true")  # the timeline's data fetched again
    assert drawn() == theirs
    assert page.evaluate("id => window.NorthstarRoadmap.item(id).start", item.pk) == later[0]
    ui.htmx_idle()
    ui.settled()


@pytest.mark.browser
def test_a_dependency_is_found_by_typing_part_of_its_title_and_added(ui, demo):
    """The item page's pick fields hold a few choices; typing asks the server for the ones that match."""
    ensure_work(demo)
    page = ui.page
    ui.sign_in()
    checkout = WorkItem.objects.get(workspace__slug=demo.workspace_slug, title=CHECKOUT)
    dark = WorkItem.objects.get(workspace__slug=demo.workspace_slug, title="Dark mode for the mobile app")
    ui.visit(f"/roadmap/items/{checkout.pk}/")
    select = page.locator("#dep_predecessor")
    find = page.locator("input[aria-controls='dep_predecessor']")
    expect(find).to_have_accessible_name("Find by title")
    find.press_sequentially("dark mo")
    expect(select.locator("option")).to_have_count(2)  # "—" and the one match
    ui.htmx_idle()
    select.select_option(label=dark.title)
    page.locator("#dep_lag_days").fill("0")
    page.get_by_role("button", name="Add dependency").click()
    page.wait_for_url(re.compile(rf"/roadmap/items/{checkout.pk}/"))
    ui.settled()
    assert Dependency.objects.filter(predecessor=dark, successor=checkout).exists()
