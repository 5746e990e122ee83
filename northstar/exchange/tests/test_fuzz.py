"""Property-based fuzzing of the importers: any input either imports or is refused with errors that say where —
never a crash, never a partial write."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from northstar.exchange.importer import import_document
from northstar.exchange.tables import SHEETS, TableErrors, csv_bytes, import_sheets, read_csv
from northstar.okrs.models import CheckIn, KeyResult, Objective, Period
from northstar.roadmap.models import Dependency, WorkItem
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import Team

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# cells as people type them: keys that exist and keys that don't, numbers, dates, junk
cells = st.one_of(
    st.none(),
    st.sampled_from(["growth", "it", "fy27", "fy27-q2", "grow-revenue", "annual-plans", "x", "increase", "decrease",
                     "range", "boolean", "task", "milestone", "initiative", "done", "2026-11-01", "2026-13-40",
                     "edith@acme.example", "nobody@example.com", "true", "ja", "", " "]),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
)  # fmt: skip


def counts():
    return tuple(
        m.objects.count() for m in (Objective, KeyResult, CheckIn, WorkItem, Dependency, Period, Team)
    )


def row(sheet):
    return st.fixed_dictionaries({c.name: cells for c in SHEETS[sheet]})


@FUZZ
@given(sheets=st.dictionaries(st.sampled_from(list(SHEETS)), st.lists(st.one_of(row("objectives"), row("work"),
       row("check_ins"), row("dependencies"), row("periods"), row("teams")), max_size=4), max_size=4))  # fmt: skip
def test_any_sheets_import_whole_or_not_at_all(world, sheets):
    # keep each row's columns to its own sheet's, as a file would
    clean = {s: [{c.name: r.get(c.name) for c in SHEETS[s]} for r in rows] for s, rows in sheets.items()}
    before = counts()
    try:
        import_sheets(clean, user=world.owner, workspace=world.workspace, dry_run=True)
    except TableErrors as refused:
        assert refused.errors and all(e.message for e in refused.errors)
    assert counts() == before  # a dry run, refused or not, writes nothing


@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_csv_text_is_read_or_refused_with_a_reason(world, text):
    try:
        sheets = read_csv(text.encode("utf-8"), "objectives.csv")
    except TableErrors as refused:
        assert refused.errors[0].message
        return
    before = counts()
    try:
        import_sheets(sheets, user=world.owner, workspace=world.workspace)
    except TableErrors as refused:
        assert refused.errors
        assert counts() == before


documents = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
              st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(
        st.sampled_from(["northstar", "workspace", "periods", "teams", "people", "objectives", "key_results", "key",
                         "title", "team", "period", "kind", "start", "target", "check_ins", "date", "value", "work",
                         "depends_on", "children", "contributes", "kr", "email", "role", "name", "end"]),
        inner, max_size=5)),
    max_leaves=20,
)  # fmt: skip


@FUZZ
@given(document=documents)
def test_any_document_imports_or_is_refused_naming_paths(world, document):
    before = counts()
    try:
        import_document(document, user=world.owner, workspace=world.workspace)
    except ValidationFailed as refused:
        assert refused.errors and all(str(e.message) for e in refused.errors)
        assert counts() == before


def test_the_csv_writer_and_reader_agree_on_awkward_text(world):
    awkward = [
        {"objective_key": "o1", "objective_title": 'Quotes " and, commas; and\nnew lines', "team": "growth"}
    ]
    back = read_csv(csv_bytes("objectives", awkward), "objectives.csv")["objectives"][0]
    assert back["objective_title"] == 'Quotes " and, commas; and\nnew lines'
