"""The OKR coach beside the key result editor: advice appears as you type, and changes as you rewrite."""

import pytest
from playwright.sync_api import expect

from northstar.okrs.models import KeyResult, Objective


@pytest.mark.browser
def test_the_coach_flags_an_output_as_you_type_and_clears_when_it_becomes_an_outcome(ui, demo):
    page = ui.page
    ui.sign_in()
    objective = Objective.objects.get(title="Achieve maximum uptime over the next three months")
    before = KeyResult.objects.count()
    ui.visit(f"/okrs/{objective.pk}/key-results/new/")

    panel = page.locator("#coach-panel")
    expect(panel).to_contain_text("Advice appears here as you type")
    title = page.locator("#key-result-form #id_title")
    title.press_sequentially("Hold a retrospective after every outage", delay=10)
    finding = panel.locator('[data-rule="output-not-outcome"]')
    expect(finding).to_be_visible()
    expect(finding.locator("mark")).to_have_text("Hold")
    expect(finding).to_contain_text("Cut mean time to recovery")
    expect(title).to_have_value("Hold a retrospective after every outage")  # nothing typed was replaced

    title.fill("")
    title.press_sequentially("Cut mean time to recovery from 90 to 30 minutes", delay=10)
    page.locator("#key-result-form #id_kind").select_option("decrease")
    page.locator("#key-result-form #id_unit").fill("min")
    page.locator("#key-result-form #id_start").fill("90")
    page.locator("#key-result-form #id_target").fill("30")
    expect(panel.locator('[data-rule="output-not-outcome"]')).to_have_count(0)
    expect(panel).to_contain_text("reads like a measurable outcome")
    assert KeyResult.objects.count() == before, "the coach saved nothing"
    ui.settled()


@pytest.mark.browser
def test_the_okr_page_badge_leads_to_the_findings(ui, demo):
    page = ui.page
    ui.sign_in()
    ui.visit("/okrs/")
    badge = page.locator("#objective-{} .coach-quality".format(
        Objective.objects.get(title="Achieve maximum uptime over the next three months").pk))  # fmt: skip
    expect(badge).to_contain_text("Coach: 6 findings")
    badge.click()
    expect(page.locator("#coach [data-rule='output-not-outcome']")).to_have_count(3)
    ui.settled()
