"""A Viva Goals Explorer export (data/viva-goals-export.csv, in the layout its exports have) into objectives,
key results, check-ins and an initiative."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from northstar.exchange.tables import TableErrors
from northstar.exchange.viva import import_viva
from northstar.okrs.models import CheckIn, KeyResult, Objective, Period
from northstar.roadmap.models import Contribution, WorkItem

pytestmark = pytest.mark.django_db
EXPORT = Path(__file__).parent / "data" / "viva-goals-export.csv"


def test_the_export_becomes_objectives_key_results_and_check_ins(world):
    report = import_viva(EXPORT.read_bytes(), EXPORT.name, user=world.owner, workspace=world.workspace)
    annual = Objective.objects.get(key="viva-4101")
    assert annual.team == world.growth and annual.owner == world.editor
    assert annual.period.name == "Q4 2026" and str(annual.period.start) == "2026-10-01"  # made from the dates
    platform = Objective.objects.get(key="viva-4201")
    assert platform.period == Period.objects.get(workspace=world.workspace, name="FY 2027")  # matched by name
    assert list(platform.alignments_up.values_list("parent__key", flat=True)) == ["viva-4101"]
    share = KeyResult.objects.get(key="viva-4102")
    assert (share.objective, share.kind, share.start, share.target, share.unit) == (
        annual,
        "increase",
        12,
        20,
        "%",
    )
    values = list(
        CheckIn.objects.filter(key_result=share).order_by("checked_in_at").values_list("value", "comment")
    )
    assert values == [(13.0, "First month"), (14.2, "Slower than hoped"), (15.0, "Renewal campaign is live")]
    churn = KeyResult.objects.get(key="viva-4103")
    assert churn.kind == "decrease" and churn.owner == world.editor
    load = KeyResult.objects.get(key="viva-4203")
    assert load.owner is None and load.unit == "ms"
    probes = WorkItem.objects.get(key="viva-4204")
    assert probes.kind == "initiative" and probes.team == world.it
    assert Contribution.objects.get(work_item=probes).objective == platform
    notes = [str(w.message) for w in report.warnings]
    assert any("Someone Elsewhere" in n for n in notes)
    assert any("Not imported" in n and "Goal Type" in n and "Score" in n for n in notes)
    again = import_viva(EXPORT.read_bytes(), EXPORT.name, user=world.owner, workspace=world.workspace)
    assert not again.changed


def test_a_key_result_aligned_to_nothing_in_the_file_is_refused_at_its_row(world):
    rows = list(csv.reader(io.StringIO(EXPORT.read_text(encoding="utf-8"))))
    rows[2][9] = "Somewhere else(weight: 50.00%, Id: 999)"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    with pytest.raises(TableErrors) as refused:
        import_viva(buffer.getvalue().encode(), "viva.csv", user=world.owner, workspace=world.workspace)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "Aligned To (weight, Objective ID)")]
    assert not Objective.objects.filter(key__startswith="viva-").exists()


def test_the_upload_recognises_a_viva_export(world, client):
    client.force_login(world.owner)
    html = client.post(
        "/exchange/import/", {"file": SimpleUploadedFile("viva.csv", EXPORT.read_bytes())}
    ).content.decode()
    assert "Not imported" in html and 'name="confirm"' in html
