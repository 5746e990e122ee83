"""The interface language chosen in the sidebar sticks to the person, not just to the browser."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_language_switch_to_swedish_is_remembered(ui, demo):
    page = ui.page
    ui.sign_in()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch = page.locator(".sidebar form.lang-switch")
    switch.get_by_label("Language").select_option(label="Svenska")
    switch.locator("button[type='submit']").click()
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    ui.settled()

    ui.sign_out()
    ui.sign_in()
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    # Another browser (no language cookie, English preferred): still Swedish once signed in.
    ui.sign_out()
    page.context.clear_cookies()
    ui.visit("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    ui.sign_in()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
