"""Closing a period: final scores and grades on the workspace's scale, a retrospective, unfinished key results
rolled over into the next period with their open work — all or nothing, audited, admins only."""

import datetime as dt

import pytest

from northstar.exchange.demo import load_demo
from northstar.okrs import actions as okr_actions
from northstar.okrs.closing import close_period, results
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.roadmap.models import Contribution
from northstar.testing import freeze_today
from northstar.workspaces.errors import PermissionDenied, ValidationFailed
from northstar.workspaces.models import AuditEntry, Membership, User, Workspace
from northstar.workspaces.permissions import actor_for

TODAY = dt.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch, TODAY)  # the pages and the API read "today"


@pytest.fixture
def finvest(db):
    load_demo(today=dt.date(2026, 11, 25), shift=False)
    workspace = Workspace.objects.get(slug="finvest")
    actor = actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace)
    okr_actions.create_period(
        actor, name="FY27 Q3", key="FY27-Q3", kind="quarter", start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31),
        parent=Period.objects.get(key="FY27").pk,
    )  # fmt: skip
    return actor


def support_results(actor):
    return next(o for o in results(actor, Period.objects.get(key="FY27-Q2"), today=TODAY)
                if o.view.objective.title.startswith("Ge våra kunder"))  # fmt: skip


def test_scores_and_grades_follow_the_key_results(finvest):
    support = support_results(finvest)
    scores = [(r.score, r.view.kr.weight) for r in support.key_results]
    expected = sum(s * w for s, w in scores) / sum(w for _s, w in scores)
    assert support.score == pytest.approx(expected)
    assert all(0 <= r.score <= 1 for r in support.key_results)
    assert support.grade == ("success" if expected >= 0.7 else "progress" if expected >= 0.35 else "missed")


def test_closing_rolls_unfinished_key_results_over_with_their_open_work(finvest):
    quarter, q3 = Period.objects.get(key="FY27-Q2"), Period.objects.get(key="FY27-Q3")
    chat = KeyResult.objects.get(title__startswith="Sänk mediantiden")
    open_work = set(
        Contribution.objects.filter(key_result=chat)
        .exclude(work_item__status="done")
        .values_list("work_item_id", flat=True)
    )
    assert open_work  # the chatbot is still planned
    close_period(finvest, quarter.pk, today=TODAY, retrospective="Chat got faster.", next_period=q3.pk,
                 roll_over=[chat.pk])  # fmt: skip
    quarter.refresh_from_db()
    assert quarter.closed and quarter.retrospective == "Chat got faster." and quarter.closed_at is not None
    chat.refresh_from_db()
    assert chat.final_score is not None and chat.final_score < 1
    [rolled] = chat.rolled_into.all()
    assert rolled.objective.period == q3 and rolled.objective.title == chat.objective.title
    assert (rolled.start, rolled.target) == (
        chat.current_value,
        chat.target,
    )  # it goes on from where it stands
    assert (
        set(Contribution.objects.filter(key_result=rolled).values_list("work_item_id", flat=True))
        == open_work
    )
    assert Objective.objects.get(pk=chat.objective_id).final_score == pytest.approx(
        support_results(finvest).score
    )
    assert AuditEntry.objects.filter(
        object_type__endswith="period", object_id=quarter.pk, action="update"
    ).exists()


def test_bad_closings_change_nothing(finvest):
    quarter = Period.objects.get(key="FY27-Q2")
    csat = KeyResult.objects.get(title__startswith="Höj kundnöjdheten")
    before = (
        Objective.objects.count(),
        KeyResult.objects.count(),
        list(KeyResult.objects.values_list("final_score", flat=True)),
    )
    with pytest.raises(ValidationFailed) as no_target:
        close_period(finvest, quarter.pk, today=TODAY, roll_over=[csat.pk])
    assert no_target.value.errors[0].field == "next_period"
    with pytest.raises(ValidationFailed) as backwards:
        close_period(finvest, quarter.pk, today=TODAY, next_period=quarter.pk, roll_over=[csat.pk])
    assert backwards.value.errors[0].field == "next_period"
    viewer = Membership.objects.filter(workspace=finvest.workspace, role="viewer").first().user
    with pytest.raises(PermissionDenied):
        close_period(actor_for(viewer, finvest.workspace), quarter.pk, today=TODAY)
    after = (
        Objective.objects.count(),
        KeyResult.objects.count(),
        list(KeyResult.objects.values_list("final_score", flat=True)),
    )
    assert after == before and not Period.objects.get(pk=quarter.pk).closed


def test_the_results_page_closes_the_period(finvest, client):
    quarter, q3 = Period.objects.get(key="FY27-Q2"), Period.objects.get(key="FY27-Q3")
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    page = client.get(f"/settings/periods/{quarter.pk}/results/").content.decode()
    assert 'id="closing-form"' in page and "Ge våra kunder support i världsklass" in page
    chat = KeyResult.objects.get(title__startswith="Sänk mediantiden")
    response = client.post(f"/settings/periods/{quarter.pk}/results/", {
        "version": quarter.version, "next_period": q3.pk, "roll_over": [chat.pk], "retrospective": "Done.",
    })  # fmt: skip
    assert response.status_code == 302
    html = client.get(f"/settings/periods/{quarter.pk}/results/").content.decode()
    assert "the scores are final" in html and "rolled over" in html and 'id="closing-form"' not in html
    viewer = Membership.objects.filter(workspace=quarter.workspace, role="viewer").first().user
    client.force_login(viewer)
    assert client.get(f"/settings/periods/{quarter.pk}/results/").status_code == 200
    assert client.post(f"/settings/periods/{quarter.pk}/results/", {"version": 1}).status_code == 403
