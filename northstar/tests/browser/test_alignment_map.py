"""The alignment map in a browser: folding branches, searching as you type, clicking through, and axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from northstar.okrs.models import Period

from .conftest import NARROW, WIDE

REVENUE = "Increase recurring revenues over the next year"
UPTIME = "Achieve maximum uptime over the next three months"
SUPPORT = "Ge våra kunder support i världsklass"
ANNUAL = "Convert at least 20% of existing monthly subscriptions to annual subscriptions"
OFFER = "Annual plan offer at renewal"
CHATBOT = "Chattbot för vanliga frågor"
DARK = "Dark mode for the mobile app"


def node(page, title: str):
    """The tree node (li) whose own row links to `title`."""
    return page.locator("li[data-node]").filter(
        has=page.locator(":scope > .align-row").get_by_role("link", name=title, exact=True)
    )


def visible_links(page, title: str):
    """The links to `title` in the tree that are showing (an item that serves two key results shows twice)."""
    return page.locator("#alignment-tree").get_by_role("link", name=title, exact=True).filter(visible=True)


def assert_shown(page, title: str) -> None:
    expect(visible_links(page, title).first).to_be_visible()


def assert_hidden(page, title: str) -> None:
    expect(visible_links(page, title)).to_have_count(0)


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}) {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.browser
def test_fold_search_and_click_through_the_alignment_map(ui, demo):
    page = ui.page
    ui.sign_in()
    ui.visit("/alignment/")
    tree = page.locator("#alignment-tree")
    link = tree.get_by_role("link", name=re.compile(r"."))
    assert_shown(page, REVENUE)
    for title in (UPTIME, SUPPORT, ANNUAL, OFFER, DARK):
        assert_shown(page, title)
    expect(node(page, "Håll andelen ärenden lösta inom 24 timmar på minst 95 %")).to_contain_text(
        "No work planned"
    )
    assert link.count() > 20
    ui.shot("alignment-1440.png")
    found = blocking_violations(page)
    page.set_viewport_size(NARROW)
    ui.shot("alignment-390.png")
    found += blocking_violations(page)
    page.set_viewport_size(WIDE)
    page.evaluate("window.__northstarNoReload = 'still the same document'")

    # Fold and unfold the company objective: everything under it goes, then comes back.
    revenue = node(page, REVENUE)
    toggle = revenue.locator(":scope > .align-row > button.toggle")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert_hidden(page, UPTIME)
    assert_shown(page, DARK)  # another branch
    toggle.press("Enter")  # the keyboard works too
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert_shown(page, UPTIME)

    # An initiative's parts start folded; "Expand all" shows them, "Collapse all" folds back to the roots.
    assert_hidden(page, "Annual option in checkout")
    page.get_by_role("button", name="Expand all").click()
    assert_shown(page, "Annual option in checkout")
    page.get_by_role("button", name="Collapse all").click()
    assert_hidden(page, UPTIME)
    assert_shown(page, REVENUE)

    # Search as you type ("/" focuses the box): the match and its ancestors show, opened; the rest is hidden.
    page.locator("body").press("/")
    search = page.locator("#filter-q")
    expect(search).to_be_focused()
    page.keyboard.type("chattbot")
    assert_shown(page, CHATBOT)
    for ancestor in (SUPPORT, REVENUE, "Sänk mediantiden för första svar i chatten från 6 till 2 minuter"):
        assert_shown(page, ancestor)
    for other in (UPTIME, ANNUAL, OFFER, DARK):
        assert_hidden(page, other)
    expect(node(page, CHATBOT).first).to_have_class(re.compile(r"\bis-match\b"))
    expect(page.locator("#alignment-filter-status")).to_have_text(
        "2 matches"
    )  # under both key results it serves
    ui.shot("alignment-search-1440.png")

    search.fill("no such thing")
    expect(page.locator("#alignment-filter-status")).to_contain_text("Nothing matches")
    assert_hidden(page, REVENUE)
    search.press("Escape")  # clears the search: the whole map is back, folded as it was before the search
    expect(search).to_have_value("")
    expect(page.locator("#alignment-filter-status")).to_have_text("")
    for title in (REVENUE, "Not linked to any OKR"):
        assert_shown(page, title)
    for title in (SUPPORT, CHATBOT, DARK):
        assert_hidden(page, title)
    assert page.evaluate("window.__northstarNoReload") == "still the same document", "the page was reloaded"

    search.fill("chattbot")
    found += blocking_violations(page)  # while a search is shown
    assert not found, "\n".join(found)

    # Another period swaps the tree in place, and the search still applies to it.
    year = Period.objects.get(name="Fiscal year 2026/27")
    page.get_by_label("Period", exact=True).select_option(str(year.pk))
    page.wait_for_url(re.compile(rf"period={year.pk}"))
    ui.htmx_idle()
    assert_shown(page, CHATBOT)
    assert_hidden(page, DARK)
    assert page.evaluate("window.__northstarNoReload") == "still the same document", "the page was reloaded"
    search.fill("")

    # Every node leads to its page: a key result.
    page.get_by_role("button", name="Expand all").click()
    visible_links(page, ANNUAL).click()
    page.wait_for_url(re.compile(r"/key-results/\d+/$"))
    ui.settled()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ANNUAL)
