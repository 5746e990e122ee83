"""The OKR page in a browser: signing in, reading the tree and checking in without leaving the page."""

import re

import pytest
from playwright.sync_api import expect

from northstar.okrs.models import KeyResult

OBJECTIVES = [
    "Increase recurring revenues over the next year",
    "Achieve maximum uptime over the next three months",
    "Ge våra kunder support i världsklass",
]
ANNUAL = (
    "Convert at least 20% of existing monthly subscriptions to annual subscriptions"  # start 0, target 20 %
)

# The focused element shows a focus ring: an outline or a box shadow.
FOCUS_RING = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return {tag: el.tagName, outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
          shadow: s.boxShadow !== "none", describe: `${s.outlineStyle} ${s.outlineWidth} / ${s.boxShadow}`};
}"""


def text(locator) -> str:
    """Visible text with runs of whitespace (including the no-break space before "%") made single spaces."""
    return " ".join(locator.inner_text().split())


def kr_row(page, title: str):
    return page.locator(".kr-row").filter(has=page.get_by_role("link", name=title, exact=True))


def objective_card(page, title: str):
    return page.locator("article.objective").filter(has=page.get_by_role("heading", name=title, level=3))


def assert_focus_visible(page, where: str) -> None:
    ring = page.evaluate(FOCUS_RING)
    assert ring["outline"] or ring["shadow"], f"no visible focus {where}: {ring}"


@pytest.mark.browser
def test_sign_in_open_okrs_and_check_in_changes_progress(ui, demo):
    page = ui.page
    ui.sign_in()  # through the login form
    ui.visit("/okrs/")
    for title in OBJECTIVES:
        expect(page.get_by_role("heading", name=title, level=3)).to_be_visible()

    row = kr_row(page, ANNUAL)
    expect(row).to_have_count(1)
    objective = objective_card(page, OBJECTIVES[0]).locator(".objective-progress")
    row_before = text(row.locator(".kr-progress .percent"))
    objective_before = text(objective.locator(".percent"))
    objective_value_before = float(objective.locator("progress").get_attribute("value"))
    # The demo's last check-ins: 6.1 of 0 → 20 (30.5 %), churn 2.7 of 3.4 → 2 (50 %), seats 4.6 of 4.5 → 5.4
    # (11 %, weight 0.5); the objective is their weighted mean, 34 %.
    assert (row_before, objective_before) == ("30 %", "34 %")

    page.evaluate("window.__northstarNoReload = 'still the same document'")
    row.get_by_role("link", name=re.compile(r"^Check in")).click()
    value = row.get_by_label("Current value (%)")
    expect(value).to_be_focused()
    ui.htmx_idle()
    value.fill("12")
    ui.shot("okr-check-in-form-1440.png")
    row.get_by_role("button", name="Save check-in").click()

    # 12 of 0 → 20 is 60 %, and the objective (60 + 50 + 0.5 × 11.1) / 2.5 = 46 %: both swapped in place.
    expect(row.locator(".kr-progress .percent")).to_have_text(re.compile(r"^60\s%$"))
    expect(row.locator(".check-in-form")).to_have_count(0)
    expect(objective.locator(".percent")).to_have_text(re.compile(r"^46\s%$"))
    objective_value_after = float(objective.locator("progress").get_attribute("value"))
    assert objective_value_before < objective_value_after == pytest.approx(0.462, abs=0.001)
    assert page.evaluate("window.__northstarNoReload") == "still the same document", "the page was reloaded"
    assert KeyResult.objects.get(title=ANNUAL).current_value == 12
    ui.settled()


@pytest.mark.browser
def test_keyboard_only_check_in(ui, demo):
    page = ui.page
    ui.sign_in()
    ui.visit("/okrs/")
    row = page.locator(".kr-row:has(.kr-actions a)").first
    first_check_in = row.locator(".kr-actions a")
    title = row.locator(".kr-title a").inner_text()
    page.evaluate("window.__northstarNoReload = 'still the same document'")

    for _ in range(100):  # Tab through skip link, navigation and filters to the first "Check in"
        page.keyboard.press("Tab")
        if first_check_in.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first “Check in” button")
    assert_focus_visible(page, "on the “Check in” button")

    page.keyboard.press("Enter")
    value = row.locator("input[name='value']")
    expect(value).to_be_focused()  # the form arrived and took the focus
    # app.js focuses the field on htmx:afterSwap, ~20 ms before htmx wires up the new form (settle); a person
    # cannot press Enter that fast, a test can (and then the form posts without htmx and the page reloads).
    ui.htmx_idle()
    assert_focus_visible(page, "in the check-in form")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("10")
    page.keyboard.press("Enter")

    row = kr_row(page, title)
    expect(row.locator(".check-in-form")).to_have_count(0)
    expect(row.locator(".kr-progress .percent")).to_have_text(re.compile(r"^50\s%$"))  # 10 of 0 → 20
    # Keyboard users carry on where they were: the focus returns to the row's "Check in" button.
    expect(row.locator(".kr-actions a")).to_be_focused()
    assert_focus_visible(page, "after saving")
    assert page.evaluate("window.__northstarNoReload") == "still the same document", "the page was reloaded"
    ui.settled()


@pytest.mark.browser
def test_an_objective_is_aligned_by_typing_part_of_a_title_and_unaligned_by_unticking(ui, demo):
    """The form's "Aligns to" lists only the objectives ticked; typing finds the others, a click adds one."""
    from northstar.okrs.models import Alignment, Objective

    page = ui.page
    ui.sign_in()
    uptime = Objective.objects.get(workspace__slug=demo.workspace_slug, title=OBJECTIVES[1])
    revenue = Objective.objects.get(workspace__slug=demo.workspace_slug, title=OBJECTIVES[0])
    Alignment.objects.filter(child=uptime).delete()
    ui.visit(f"/okrs/{uptime.pk}/edit/")
    boxes = page.locator("#id_parents input[type=checkbox]")
    expect(boxes).to_have_count(0)
    find = page.get_by_role("searchbox", name="Find by title to add")
    find.press_sequentially("recurring rev")
    add = page.get_by_role("button", name=f"Add “{revenue.title}”")
    expect(add).to_be_visible()
    ui.htmx_idle()
    add.click()
    expect(boxes).to_have_count(1)
    expect(page.get_by_role("checkbox", name=revenue.title)).to_be_checked()
    expect(add).to_have_count(0)  # the search's answer no longer offers it
    ui.htmx_idle()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/okrs/{uptime.pk}/$"))
    ui.settled()
    assert list(Alignment.objects.filter(child=uptime).values_list("parent_id", flat=True)) == [revenue.pk]
    ui.visit(f"/okrs/{uptime.pk}/edit/")
    page.get_by_role("checkbox", name=revenue.title).uncheck()
    ui.htmx_idle()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/okrs/{uptime.pk}/$"))
    ui.settled()
    assert not Alignment.objects.filter(child=uptime).exists()
