"""Progress twice in a browser: the dashboard's outcome and output bars per objective, its alerts and its filters,
and a check-in on a key result's page that raises its forecast. The page watch fails every test on console errors
or CSP violations."""

import re

import pytest
from playwright.sync_api import expect

from northstar.okrs.models import CheckIn, KeyResult, Objective, Period
from northstar.okrs.queries import period_family
from northstar.workspaces.models import Team, Workspace

SEATS = "Increase the average number of seats"
CONVERT = "Convert at least 20% of existing monthly subscriptions to annual subscriptions"
MIGRATION = "Migrate subscriptions to the new billing engine"
CHECKOUT = "Annual option in checkout"
SUPPORT_OBJECTIVE = "Ge våra kunder support i världsklass"
CHANCE = re.compile(r"(\d+)\s%\schance of reaching the target by ")


def text(locator) -> str:
    """Visible text with runs of whitespace (including no-break spaces) made single spaces."""
    return " ".join(locator.inner_text().split())


def chance(page) -> int:
    """The forecast's chance of reaching the target, in per cent, as the key result's page states it."""
    found = CHANCE.search(text(page.locator("#kr-forecast")))
    assert found, text(page.locator("#kr-forecast"))
    return int(found.group(1))


@pytest.mark.browser
def test_dashboard_shows_outcome_and_output_side_by_side_with_alerts_and_filters(ui, demo):
    page = ui.page
    workspace = Workspace.objects.get(slug=demo.workspace_slug)
    quarter = Period.objects.get(workspace=workspace, key="FY27-Q2")
    support = Team.objects.get(workspace=workspace, key="support")
    seats = KeyResult.objects.get(objective__workspace=workspace, title__startswith=SEATS)
    convert = KeyResult.objects.get(objective__workspace=workspace, title=CONVERT)
    family = period_family(quarter, Period.objects.filter(workspace=workspace))  # FY27's objectives count too
    titles = list(
        Objective.objects.filter(workspace=workspace, period__in=family).values_list("title", flat=True)
    )
    assert SUPPORT_OBJECTIVE in titles and len(titles) > 1
    ui.sign_in()
    ui.visit("/")
    expect(page.locator("#dash-period")).to_have_value(str(quarter.pk))  # today falls in the quarter

    # One row per objective of the quarter, each with its outcome bar and its output bar.
    table = page.locator("#progress-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(titles))
    for title in titles:
        row = rows.filter(has=page.get_by_role("link", name=title, exact=True))
        expect(row).to_have_count(1)
        outcome = row.get_by_role("progressbar", name=f"Outcome progress of {title}")
        output = row.get_by_role("progressbar", name=f"Output progress of {title}")
        expect(outcome).to_have_count(1)
        expect(output).to_have_count(1)
        for bar in (outcome, output):
            assert 0 <= float(bar.get_attribute("value")) <= 1, (title, bar.get_attribute("value"))
            assert bar.get_attribute("max") == "1"
        expect(row.locator("td").nth(1)).to_contain_text(re.compile(r"\d+\s%"))  # outcome, in per cent
        expect(row.locator("td").nth(2)).to_contain_text(re.compile(r"\d+\s%"))  # output, in per cent
    header = [" ".join(t.split()) for t in table.locator("thead th").all_text_contents()]
    assert header.index("Outcome") + 1 == header.index("Output"), header  # side by side

    # The alerts: the seats have their work delivered but hardly moved; the late billing migration endangers the
    # annual conversion through the checkout work that waits for it.
    alerts = page.locator("#alerts")
    expect(alerts).to_be_visible()
    divergence = alerts.locator(".divergence").filter(has_text=SEATS)
    expect(divergence).to_have_count(1)
    expect(divergence).to_contain_text("Work delivered, number not moving")
    expect(divergence.get_by_role("link", name="Open the key result")).to_have_attribute(
        "href", f"/key-results/{seats.pk}/"
    )
    risk = (
        alerts.locator(".dependency-risk")
        .filter(has_text=MIGRATION)
        .filter(has=page.get_by_role("link", name=CONVERT, exact=True))
    )
    expect(risk).to_have_count(1)
    risk_text = text(risk)
    assert risk_text.startswith(f"Dependency risk: “{MIGRATION}” is "), risk_text
    assert re.search(rf"“{MIGRATION}” is \d+ days late → {CHECKOUT} → {re.escape(CONVERT)}", risk_text), (
        risk_text
    )
    expect(risk.get_by_role("link", name=CONVERT)).to_have_attribute("href", f"/key-results/{convert.pk}/")
    expect(risk.get_by_role("link", name=CHECKOUT)).to_have_count(1)
    ui.shot("dashboard-1440.png")

    # Kundsupport only.
    page.locator("#dash-team").select_option(label="— Kundsupport")  # indented by its depth in the team tree
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(rf"[?&]team={support.pk}(&|$)"))
    ui.settled()
    expect(page.locator("#dash-team")).to_have_value(str(support.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kundsupport at a glance")
    rows = page.locator("#progress-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("th")).to_have_text(SUPPORT_OBJECTIVE)
    ui.shot("dashboard-kundsupport-1440.png")


@pytest.mark.browser
def test_a_check_in_on_the_key_result_page_raises_its_forecast(ui, demo):
    page = ui.page
    workspace = Workspace.objects.get(slug=demo.workspace_slug)
    convert = KeyResult.objects.get(objective__workspace=workspace, title=CONVERT)
    check_ins = CheckIn.objects.filter(key_result=convert).count()
    ui.sign_in()
    ui.visit(f"/key-results/{convert.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(CONVERT)
    forecast = page.locator("#kr-forecast")
    expect(forecast).to_contain_text(CHANCE)
    before = chance(page)
    assert 0 < before < 100, before
    chart = page.locator("svg.chart")
    expect(chart.locator("polygon.forecast-band")).to_have_count(1)

    form = page.locator("#check-in form")
    form.get_by_label("Current value (%)").fill("19.5")
    form.get_by_label("Confidence").select_option("8")
    form.get_by_label("Comment").fill("Annual plan offer is converting well.")
    form.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state("load")
    ui.settled()
    assert page.url == ui.url(f"/key-results/{convert.pk}/")
    expect(page.locator(".messages .message.success")).to_contain_text("Check-in recorded.")

    after = chance(page)
    assert after > before, (before, after)
    assert CheckIn.objects.filter(key_result=convert).count() == check_ins + 1
    convert.refresh_from_db()
    assert convert.current_value == 19.5
    # The chart has the forecast band ahead of today and markers where linked work is delivered or due.
    expect(chart.locator("polygon.forecast-band")).to_have_count(1)
    expect(chart.locator("line.forecast-line")).to_have_count(1)
    deliveries = chart.locator("g.delivery")
    expect(deliveries.first).to_be_attached()
    expect(deliveries.first.locator("title")).to_have_text(re.compile(r"^Linked work delivered or due on "))
    legend = page.locator(".legend")
    expect(legend).to_contain_text("forecast (80 % interval)")
    expect(legend).to_contain_text("linked work delivered or due")
    ui.shot("key-result-forecast-1440.png")
