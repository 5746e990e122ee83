"""The key result form validates while it is filled in, without submitting."""

import pytest
from playwright.sync_api import expect

from northstar.okrs.models import KeyResult, Objective


@pytest.mark.browser
def test_inline_validation_shows_error_while_typing(ui, demo):
    page = ui.page
    ui.sign_in()
    objective = Objective.objects.get(title="Increase recurring revenues over the next year")
    key_results_before = KeyResult.objects.count()
    path = f"/okrs/{objective.pk}/key-results/new/"
    ui.visit(path)

    form = page.locator("#key-result-form")
    form.get_by_label("Key result", exact=False).fill("Keep annual plans flat")
    form.get_by_label("How it is measured").select_option("increase")
    form.get_by_label("Start value").fill("5")
    form.get_by_label("Target value").fill("5")
    page.keyboard.press("Tab")  # leaving the field is a change: the form asks the server to validate it

    target = form.locator("#id_target")
    error = form.locator(".field:has(#id_target) .error:not([hidden])")  # in the target's own field
    expect(error).to_contain_text("must differ from the start value")
    expect(target).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Start value")).to_have_value("5")
    expect(target).to_have_value("5")
    assert page.url == ui.url(path), "the form was submitted"
    assert KeyResult.objects.count() == key_results_before
    ui.settled()
