"""What-if scenarios in a browser: starting one, adding changes through the page's forms, reading the comparison,
applying it to the roadmap (and what that writes), keeping the optimiser's choice as a scenario, and what a viewer
may see. The page watch fails every test on console errors or CSP violations."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from northstar.exchange.demo import DEMO_PASSWORD
from northstar.okrs.models import KeyResult, Period, PeriodKind
from northstar.roadmap import scenario_actions
from northstar.roadmap.models import (
    ChangeKind,
    Contribution,
    Scenario,
    ScenarioOrigin,
    ScenarioStatus,
    WorkItem,
    WorkItemStatus,
)
from northstar.workspaces.models import AuditEntry, Membership, Role, Team, User, Workspace
from northstar.workspaces.permissions import actor_for

DARK = "Dark mode for the mobile app"
RESOLVED_24H = "Håll andelen ärenden lösta inom 24 timmar"
NEW_ITEM = "Triage rules for support tickets"


def demo_workspace(demo) -> Workspace:
    return Workspace.objects.get(slug=demo.workspace_slug)


def quarter(workspace: Workspace) -> Period:
    """The demo's quarter, as named in the data."""
    return Period.objects.get(workspace=workspace, kind=PeriodKind.QUARTER)


def row_of(table, text: str):
    """The rows of `table` whose text contains `text`."""
    return table.locator("tbody tr").filter(has_text=text)


@pytest.mark.browser
def test_start_a_scenario_add_changes_compare_and_apply(ui, demo):
    page = ui.page
    workspace = demo_workspace(demo)
    period = quarter(workspace)
    dark = WorkItem.objects.get(workspace=workspace, title=DARK)
    dark_status = dark.status
    assert dark_status != WorkItemStatus.CANCELLED
    key_result = KeyResult.objects.get(objective__workspace=workspace, title__startswith=RESOLVED_24H)
    support = Team.objects.get(workspace=workspace, name="Kundsupport")
    assert not Contribution.objects.filter(key_result=key_result).exists()  # the demo leaves it without work
    ui.sign_in()

    # Start a scenario for the quarter.
    ui.visit("/scenarios/")
    expect(page.get_by_role("heading", name="Start a scenario")).to_be_visible()
    page.locator("#id_name").fill("Support first, no dark mode")
    page.locator("#id_period").select_option(label=period.name)
    page.locator("#id_description").fill("Drop dark mode; give support triage rules.")
    page.get_by_role("button", name="Start scenario").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/$"))
    ui.settled()
    scenario = Scenario.objects.get(workspace=workspace, name="Support first, no dark mode")
    assert scenario.period_id == period.pk and scenario.status == ScenarioStatus.DRAFT
    assert page.url.endswith(f"/scenarios/{scenario.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Support first, no dark mode")
    expect(page.locator("#scenario-changes")).to_contain_text("No change yet")
    expect(page.locator("#apply-form button[type='submit']")).to_be_disabled()  # nothing to apply yet

    # Drop dark mode.
    page.locator("summary", has_text="Drop an item").click()
    drop = page.locator("#change-form-drop")
    expect(drop).to_be_visible()
    drop.locator("#change-drop-work_item").select_option(label=f"{DARK} (Growth)")
    drop.get_by_role("button", name="Add change").click()
    page.wait_for_url(f"**/scenarios/{scenario.pk}/")
    ui.settled()
    expect(page.locator(".messages .message.success")).to_contain_text("Change added")
    changes = page.locator("#scenario-changes")
    dropped = row_of(changes, DARK)
    expect(dropped).to_have_count(1)
    expect(dropped).to_contain_text("Drop an item")
    expect(dropped).to_contain_text("Cancelled, with its open parts")

    # Add an initiative for Kundsupport that serves the 24-hour key result, inside the quarter.
    start, end = period.start + dt.timedelta(days=14), period.end - dt.timedelta(days=14)
    page.locator("summary", has_text="Add an item").click()
    add = page.locator("#change-form-add")
    expect(add).to_be_visible()
    add.locator("#change-add-title").fill(NEW_ITEM)
    add.locator("#change-add-item_kind").select_option("initiative")
    add.locator("#change-add-team").select_option(label="— Kundsupport")
    add.locator("#change-add-key_result").select_option(label=key_result.title)
    add.locator("#change-add-start").fill(start.isoformat())
    add.locator("#change-add-end").fill(end.isoformat())
    add.locator("#change-add-estimate_days").fill("12")
    add.get_by_role("button", name="Add change").click()
    page.wait_for_url(f"**/scenarios/{scenario.pk}/")
    ui.settled()
    expect(page.locator(".messages .message.success")).to_contain_text("Change added")
    added = row_of(changes, NEW_ITEM)
    expect(added).to_have_count(1)
    expect(added).to_contain_text("Add an item")
    expect(added).to_contain_text("Kundsupport")
    expect(added).to_contain_text(RESOLVED_24H)
    expect(added).to_contain_text("12 person-days")
    assert scenario.changes.count() == 2
    ui.shot("scenario-1440.png")

    # The comparison: the key result has no work in the plan and has work in the scenario.
    expect(page.locator("#compare-period")).to_have_value(str(period.pk))
    kr_row = row_of(page.locator("#compare-key-results"), RESOLVED_24H)
    expect(kr_row).to_have_count(1)
    expect(kr_row.locator("td").nth(0)).to_have_text("no work")
    expect(kr_row.locator("td").nth(1)).to_have_text("has work")
    expect(kr_row).to_have_class(re.compile(r"\bchanged\b"))
    summary = page.locator("#compare-summary")
    without_work = summary.locator("tbody tr").filter(has_text="Key results without work").locator("td")
    plan_count, scenario_count = (int(t) for t in without_work.all_text_contents())
    assert scenario_count == plan_count - 1, (plan_count, scenario_count)
    expect(row_of(page.locator("#compare-load"), "Kundsupport")).to_have_count(1)
    expect(row_of(page.locator("#compare-ends"), DARK)).to_contain_text("dropped")

    # Nothing is in the roadmap yet.
    dark.refresh_from_db()
    assert dark.status == dark_status
    assert not WorkItem.objects.filter(workspace=workspace, title=NEW_ITEM).exists()
    assert not AuditEntry.objects.filter(
        object_type="scenario", object_id=scenario.pk, action="apply"
    ).exists()

    # Apply it.
    apply_button = page.locator("#apply-form").get_by_role("button", name="Apply to the roadmap")
    expect(apply_button).to_be_enabled()
    apply_button.click()
    page.wait_for_url(f"**/scenarios/{scenario.pk}/")
    ui.settled()
    expect(page.locator(".messages .message.success")).to_have_text(
        "Scenario applied: the roadmap now has its changes."
    )
    expect(page.locator(".page-header")).to_contain_text("applied")
    expect(page.locator("#apply-form")).to_have_count(0)  # an applied scenario cannot be applied again
    expect(page.locator("form[id^='change-form-']")).to_have_count(0)
    ui.shot("scenario-applied-1440.png")

    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.APPLIED and scenario.applied_by.email == demo.login
    dark.refresh_from_db()
    assert dark.status == WorkItemStatus.CANCELLED
    new = WorkItem.objects.get(workspace=workspace, title=NEW_ITEM)
    assert (new.kind, new.team_id, new.start, new.end, new.estimate_days) == (
        "initiative", support.pk, start, end, 12
    )  # fmt: skip
    assert Contribution.objects.filter(work_item=new, key_result=key_result).exists()
    applied = AuditEntry.objects.get(
        workspace=workspace, object_type="scenario", object_id=scenario.pk, action="apply"
    )
    assert applied.actor.email == demo.login
    assert applied.after["changes"] == 2 and applied.after["added"] == [new.pk]
    assert dark.pk in applied.after["changed"]
    # Each write to the roadmap is audited too.
    assert AuditEntry.objects.filter(workspace=workspace, object_type="workitem", object_id=dark.pk).exists()
    assert AuditEntry.objects.filter(
        workspace=workspace, object_type="workitem", object_id=new.pk, action="create"
    ).exists()

    # The live roadmap says so as well.
    ui.visit(f"/roadmap/items/{dark.pk}/")
    expect(page.locator("main")).to_contain_text("Cancelled")
    ui.visit("/scenarios/")
    listed = row_of(page.locator("table"), "Support first, no dark mode")
    expect(listed).to_contain_text(period.name)
    expect(listed).to_contain_text("applied")


@pytest.mark.browser
def test_save_the_optimisers_choice_as_a_scenario(ui, demo):
    page = ui.page
    workspace = demo_workspace(demo)
    period = quarter(workspace)
    growth = Team.objects.get(workspace=workspace, name="Growth")
    dark = WorkItem.objects.get(workspace=workspace, title=DARK)
    ui.sign_in()

    ui.visit("/insights/optimise/")
    expect(page.locator("#optimise-period")).to_have_value(str(period.pk))
    capacity = page.locator(f"#capacity-{growth.pk}")
    expect(capacity).to_be_visible()
    capacity.fill("40")
    page.get_by_role("button", name="Optimise", exact=True).click()
    page.wait_for_url(re.compile(rf"capacity_{growth.pk}=40"))
    ui.settled()
    expect(page.locator(f"#capacity-{growth.pk}")).to_have_value("40")
    expect(page.locator(f"input[type='hidden'][name='capacity_{growth.pk}']")).to_have_value("40")
    before = set(Scenario.objects.filter(workspace=workspace).values_list("pk", flat=True))

    page.get_by_role("button", name="Save as scenario").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/$"))
    ui.settled()
    scenario = Scenario.objects.exclude(pk__in=before).get(workspace=workspace)
    assert page.url.endswith(f"/scenarios/{scenario.pk}/")
    assert scenario.origin == ScenarioOrigin.OPTIMISER and scenario.period_id == period.pk
    expect(page.locator(".messages .message.success")).to_contain_text("saved as a scenario")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Optimised plan for {period.name}")

    why = page.locator("section").filter(has=page.get_by_role("heading", name="Why the optimiser chose this"))
    expect(why).to_have_count(1)
    reason = why.locator("li").filter(has=page.get_by_role("link", name=DARK, exact=True))
    expect(reason).to_have_count(1)
    expect(reason).to_contain_text("dropped: serves no key result")
    ui.shot("scenario-optimiser-1440.png")

    changes = page.locator("#scenario-changes")
    drop = changes.locator("tbody tr").filter(has=page.get_by_role("link", name=DARK, exact=True))
    expect(drop).to_have_count(1)
    expect(drop.locator("td").first).to_have_text("Drop an item")
    cap = row_of(changes, f"Growth · {period.name}")
    expect(cap).to_have_count(1)
    expect(cap.locator("td").first).to_have_text("Change a team's capacity")
    expect(cap).to_contain_text("40 person-days")
    assert scenario.changes.filter(kind=ChangeKind.DROP, work_item=dark).exists()
    assert scenario.changes.filter(
        kind=ChangeKind.CAPACITY, team=growth, period=period, person_days=40
    ).exists()
    # Saving it changed nothing in the roadmap.
    dark.refresh_from_db()
    assert dark.status != WorkItemStatus.CANCELLED


@pytest.mark.browser
def test_a_viewer_sees_a_scenario_but_cannot_change_or_apply_it(ui, demo):
    page = ui.page
    workspace = demo_workspace(demo)
    period = quarter(workspace)
    owner = actor_for(User.objects.get(email=demo.login), workspace)
    dark = WorkItem.objects.get(workspace=workspace, title=DARK)
    scenario = scenario_actions.create_scenario(owner, name="Without dark mode", period=period.pk)
    scenario_actions.add_change(owner, scenario.pk, kind=ChangeKind.DROP, work_item=dark.pk)
    membership = (
        Membership.objects.filter(workspace=workspace, role=Role.VIEWER).select_related("user").first()
    )
    assert membership is not None, "the demo has a viewer"
    ui.sign_in(membership.user.email, DEMO_PASSWORD)

    ui.visit("/scenarios/")
    expect(page.get_by_role("link", name="Without dark mode")).to_be_visible()
    expect(page.get_by_role("heading", name="Start a scenario")).to_have_count(0)
    expect(page.locator("form[action='/scenarios/new/']")).to_have_count(0)

    page.get_by_role("link", name="Without dark mode").click()
    page.wait_for_url(f"**/scenarios/{scenario.pk}/")
    ui.settled()
    expect(page.get_by_role("heading", level=1)).to_have_text("Without dark mode")
    expect(row_of(page.locator("#scenario-changes"), DARK)).to_contain_text("Drop an item")
    expect(page.locator("#compare-summary")).to_be_visible()
    expect(page.locator("#compare-key-results")).to_be_visible()
    expect(page.locator("#compare-load")).to_be_visible()
    expect(page.locator("#compare-ends")).to_be_visible()
    # No way to apply, throw away or change it.
    expect(page.locator("#apply-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Apply to the roadmap")).to_have_count(0)
    expect(page.get_by_role("button", name="Throw away")).to_have_count(0)
    expect(page.locator("form[id^='change-form-']")).to_have_count(0)
    expect(page.locator("details.change-form")).to_have_count(0)
    expect(page.get_by_role("heading", name="Add a change")).to_have_count(0)
    remove = page.locator("#scenario-changes").get_by_role("button", name=re.compile("Remove"))
    expect(remove).to_have_count(0)
    dark.refresh_from_db()
    assert dark.status != WorkItemStatus.CANCELLED


def drop_422(ui) -> None:
    """Chromium logs a page answered with 422 (a form sent back with its errors) as a console error; these are
    the ones the test provoked."""
    ui.watch.problems = [p for p in ui.watch.problems if "status of 422 (Unprocessable Entity)" not in p]
    ui.settled()


@pytest.mark.browser
def test_a_wrong_change_is_refused_at_its_field_with_its_form_open(ui, demo):
    page = ui.page
    workspace = demo_workspace(demo)
    period = quarter(workspace)
    owner = actor_for(User.objects.get(email=demo.login), workspace)
    scenario = scenario_actions.create_scenario(owner, name="Careless", period=period.pk)
    ui.sign_in()
    ui.visit(f"/scenarios/{scenario.pk}/")
    expect(page.locator("details.change-form[open]")).to_have_count(0)

    # An item that ends before it starts.
    page.locator("summary", has_text="Add an item").click()
    add = page.locator("#change-form-add")
    add.locator("#change-add-title").fill(NEW_ITEM)
    add.locator("#change-add-team").select_option(label="— Kundsupport")
    add.locator("#change-add-start").fill(period.end.isoformat())
    add.locator("#change-add-end").fill(period.start.isoformat())
    add.get_by_role("button", name="Add change").click()
    page.wait_for_load_state("load")
    drop_422(ui)
    add = page.locator("#change-form-add")
    expect(page.locator("details.change-form[open]")).to_have_count(1)
    expect(add).to_be_visible()
    expect(add.locator("#change-add-end")).to_have_attribute("aria-invalid", "true")
    expect(add.locator("#change-add-end_error")).to_have_text("The end must be on or after the start.")
    expect(add.locator("#change-add-title")).to_have_value(NEW_ITEM)  # what was typed is kept
    assert not scenario.changes.exists()

    # A capacity below zero.
    page.locator("summary", has_text="Change a team's capacity").click()
    capacity = page.locator("#change-form-capacity")
    capacity.locator("#change-capacity-team").select_option(label="— Growth")
    capacity.locator("#change-capacity-period").select_option(label=period.name)
    capacity.locator("#change-capacity-person_days").fill("-5")
    capacity.get_by_role("button", name="Add change").click()
    page.wait_for_load_state("load")
    drop_422(ui)
    capacity = page.locator("#change-form-capacity")
    expect(capacity).to_be_visible()
    expect(capacity.locator("#change-capacity-person_days")).to_have_attribute("aria-invalid", "true")
    expect(capacity.locator("#change-capacity-person_days_error")).not_to_be_empty()
    expect(page.locator("#change-form-add")).not_to_be_visible()  # only the form that failed is open
    assert not scenario.changes.exists()
    scenario.refresh_from_db()
    assert scenario.version == 1
