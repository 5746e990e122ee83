from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from northstar.exchange import importer
from northstar.exchange.importer import import_document
from northstar.exchange.okr_yaml import parse_text
from northstar.exchange.schema import infer_period_kind
from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective, Period
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import AuditEntry, Membership, Team, TeamMember, User, Workspace

from .conftest import workspace_of

pytestmark = pytest.mark.django_db


def paths(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in exc.value.errors]


def messages(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: str(e.message) for e in exc.value.errors}


def all_krs(doc):
    return [kr for o in doc["objectives"] for kr in o.get("key_results") or []]


# --- creating a workspace from finvest.yaml ---------------------------------------------------------------------


def test_it_imports_the_objectives_key_results_and_check_ins_of_finvest(imported, finvest_raw):
    objectives = Objective.objects.filter(workspace=imported)
    key_results = KeyResult.objects.filter(workspace=imported)
    check_ins = CheckIn.objects.filter(workspace=imported)
    assert objectives.count() == len(finvest_raw["objectives"]) == 3
    assert key_results.count() == len(all_krs(finvest_raw)) == 9
    assert check_ins.count() == sum(len(kr.get("check_ins") or []) for kr in all_krs(finvest_raw))
    assert list(objectives.order_by("position").values_list("key", flat=True)) == [
        o["key"] for o in finvest_raw["objectives"]
    ]


def test_it_imports_the_teams_and_people_of_finvest(imported, finvest_raw):
    assert Team.objects.filter(workspace=imported).count() == len(finvest_raw["teams"]) == 4
    assert Membership.objects.filter(workspace=imported).count() == len(finvest_raw["people"]) == 5
    roles = dict(Membership.objects.filter(workspace=imported).values_list("user__email", "role"))
    assert roles == {p["email"]: p["role"] for p in finvest_raw["people"]}
    teams = set(TeamMember.objects.filter(workspace=imported).values_list("user__email", "team__key"))
    assert teams == {(p["email"], t) for p in finvest_raw["people"] for t in p["teams"]}
    parents = dict(Team.objects.filter(workspace=imported).values_list("key", "parent__key"))
    assert parents == {t["key"]: t.get("parent") for t in finvest_raw["teams"]}


def test_it_links_the_aligned_objectives(imported, finvest_raw):
    links = set(Alignment.objects.filter(workspace=imported).values_list("child__key", "parent__key"))
    expected = {(o["key"], p) for o in finvest_raw["objectives"] for p in o.get("aligns_to") or []}
    assert links == expected
    assert ("maximum-uptime", "recurring-revenue") in links


def test_it_makes_the_first_owner_in_the_file_the_owner_of_the_new_workspace(imported):
    owner = Membership.objects.get(workspace=imported, role="owner")
    assert owner.user.email == "maria.lind@finvest.example"
    assert imported.name == "Finvest"
    assert imported.slug == "finvest"


def test_it_stores_check_in_dates_at_noon_in_the_configured_time_zone(imported):
    first = CheckIn.objects.filter(key_result__key="annual-conversion").order_by("checked_in_at").first()
    assert first.checked_in_at == dt.datetime(2026, 8, 3, 12, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_it_keeps_the_latest_check_in_on_the_key_result(imported):
    kr = KeyResult.objects.get(workspace=imported, key="annual-conversion")
    assert kr.current_value == 6.1
    assert kr.current_confidence == 0.5


def test_it_records_check_ins_for_the_key_result_owner_else_the_objective_owner(imported):
    by_owner = CheckIn.objects.filter(key_result__key="monthly-churn")
    assert {c.author.email for c in by_owner} == {"omar.haddad@finvest.example"}
    without_kr_owner = CheckIn.objects.filter(key_result__key="csat")
    assert {c.author.email for c in without_kr_owner} == {"sara.nyberg@finvest.example"}


def test_it_records_check_ins_by_the_person_named_in_by(finvest):
    finvest["objectives"][0]["key_results"][0]["check_ins"][0]["by"] = "ben.okafor@finvest.example"
    workspace_of(import_document(finvest))
    first = CheckIn.objects.filter(key_result__key="annual-conversion").order_by("checked_in_at").first()
    assert first.author.email == "ben.okafor@finvest.example"


def test_it_gives_people_unusable_passwords_unless_one_is_given(finvest):
    import_document(finvest)
    assert not User.objects.get(email="omar.haddad@finvest.example").has_usable_password()


def test_it_gives_people_the_password_it_is_given(finvest):
    import_document(finvest, password="a-demo-password-123")
    assert User.objects.get(email="omar.haddad@finvest.example").check_password("a-demo-password-123")


def test_it_infers_the_period_kind_from_the_dates(imported):
    kinds = dict(Period.objects.filter(workspace=imported).values_list("key", "kind"))
    assert kinds == {"FY27": "year", "FY27-Q2": "quarter"}
    assert infer_period_kind(dt.date(2027, 1, 1), dt.date(2027, 2, 15)) == "custom"


def test_the_importing_user_becomes_owner_and_keeps_that_role(finvest):
    ben = User.objects.create_user("ben.okafor@finvest.example", "x", name="Ben Okafor")
    report = import_document(finvest, user=ben)
    workspace = workspace_of(report)
    assert Membership.objects.get(workspace=workspace, user=ben).role == "owner"
    assert [w.field for w in report.warnings] == ["people[4].role"]


def test_it_can_import_as_a_person_the_file_lists_who_has_no_account_yet(finvest):
    report = import_document(finvest, user="li.chen@finvest.example")
    assert (
        Membership.objects.get(workspace=workspace_of(report), user__email="li.chen@finvest.example").role
        == "owner"
    )


# --- all or nothing, every error --------------------------------------------------------------------------------


def test_it_writes_nothing_when_one_key_result_deep_inside_is_invalid(finvest):
    finvest["objectives"][2]["key_results"][1]["target"] = 6  # the same as its start
    users, audit = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["objectives[2].key_results[1].target"]
    assert "must differ from the start value" in messages(exc)["objectives[2].key_results[1].target"]
    assert not Workspace.objects.exists()
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, audit)


def test_it_rolls_back_everything_when_an_action_fails_halfway(finvest, monkeypatch):
    calls = []
    real = importer.okr_actions.do_check_in

    def failing(actor, kr_id, **kwargs):
        calls.append(kr_id)
        if len(calls) == 10:
            raise ValidationFailed.one("value", "Boom")
        return real(actor, kr_id, **kwargs)

    monkeypatch.setattr(importer.okr_actions, "do_check_in", failing)
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["objectives[0].key_results[2].check_ins[1].value"]  # the 10th check-in in the file
    assert not Workspace.objects.exists()
    assert not Objective.objects.exists() and not CheckIn.objects.exists() and not Team.objects.exists()
    assert not User.objects.filter(email__endswith="@finvest.example").exists()


def test_it_lists_every_error_not_just_the_first(finvest):
    finvest["periods"][1]["end"] = "someday"
    finvest["teams"][1]["colour"] = "green"
    finvest["people"][2]["role"] = "boss"
    finvest["objectives"][0]["team"] = "marketing"
    finvest["objectives"][0]["key_results"][0]["kind"] = "grow"
    finvest["objectives"][0]["key_results"][1]["owner"] = "nobody@finvest.example"
    finvest["objectives"][1]["period"] = "FY99"
    finvest["objectives"][2]["key"] = "recurring-revenue"
    finvest["objectives"][2]["key_results"][2]["low"] = 101
    finvest["objectives"][2]["key_results"][0]["check_ins"][0]["confidence"] = 7
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == [
        "periods[1].end",
        "teams[1].colour",
        "people[2].role",
        "objectives[0].team",
        "objectives[0].key_results[0].kind",
        "objectives[0].key_results[1].owner",
        "objectives[1].period",
        "objectives[2].key",
        "objectives[2].key_results[0].check_ins[0].confidence",
        "objectives[2].key_results[2].low",
        "objectives[2].aligns_to[0]",  # now an alignment to itself
    ]
    assert not Workspace.objects.exists()


def test_it_rejects_unknown_keys(finvest):
    finvest["objectives"][0]["key_results"][0]["check_ins"][0]["mood"] = "good"
    finvest["surprise"] = 1
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["surprise", "objectives[0].key_results[0].check_ins[0].mood"]
    assert "Unknown key “mood”" in messages(exc)["objectives[0].key_results[0].check_ins[0].mood"]


def test_it_rejects_missing_required_values(finvest):
    del finvest["objectives"][1]["title"]
    del finvest["objectives"][0]["key_results"][0]["check_ins"][0]["value"]
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert set(paths(exc)) == {"objectives[1].title", "objectives[0].key_results[0].check_ins[0].value"}


def test_it_rejects_duplicate_keys_naming_the_first_use(finvest):
    finvest["objectives"][2]["key_results"][0]["key"] = "annual-conversion"
    finvest["people"][4]["email"] = "LI.CHEN@finvest.example"
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert messages(exc) == {
        "people[4].email": "“li.chen@finvest.example” is already used by people[2].email.",
        "objectives[2].key_results[0].key": "“annual-conversion” is already used by objectives[0].key_results[0].key.",
        # the faq-chatbot initiative contributes to csat, which is not there any more under that key
        "work[4].contributes[1].kr": "There is no key result with the key “csat”.",
    }


def test_it_rejects_alignment_cycles_and_spells_them_out(finvest):
    finvest["objectives"][0]["aligns_to"] = ["world-class-support"]
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["objectives[2].aligns_to[0]"]
    assert "world-class-support → recurring-revenue → world-class-support" in messages(exc)[paths(exc)[0]]


def test_it_rejects_team_and_period_loops(finvest):
    finvest["teams"][0]["parent"] = "support"
    finvest["periods"][0]["parent"] = "FY27"
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert messages(exc) == {
        "periods[0].parent": "A period cannot be its own parent.",
        "teams[0].parent": "These teams form a loop: finvest → support → finvest.",
    }


def test_it_rejects_bad_dates_and_periods_outside_their_parent(finvest):
    finvest["periods"][1]["start"] = "2026-13-01"
    finvest["periods"][0]["end"] = dt.date(2026, 6, 1)
    finvest["objectives"][0]["key_results"][0]["check_ins"][1]["date"] = "yesterday"
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == [
        "periods[0].end",
        "periods[1].start",
        "objectives[0].key_results[0].check_ins[1].date",
    ]


def test_it_rejects_check_ins_in_the_future(finvest):
    now = dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest, now=now)
    assert "objectives[0].key_results[0].check_ins[3].date" in paths(exc)
    assert (
        messages(exc)["objectives[0].key_results[0].check_ins[3].date"]
        == "A check-in cannot be in the future."
    )


def test_it_rejects_boolean_check_ins_other_than_0_and_1(finvest):
    finvest["objectives"][1]["key_results"][0]["check_ins"] = [{"date": dt.date(2026, 11, 2), "value": 0.5}]
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["objectives[1].key_results[0].check_ins[0].value"]


def test_it_rejects_a_file_in_another_format_version(finvest):
    finvest["northstar"] = 2
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["northstar"]


def test_it_rejects_text_that_is_not_yaml_with_the_line():
    with pytest.raises(ValidationFailed) as exc:
        parse_text("northstar: 1\nteams:\n  - key: [unclosed\n")
    assert "line 4" in str(exc.value.errors[0].message) or "line 3" in str(exc.value.errors[0].message)


def test_it_rejects_a_key_written_twice_in_one_mapping():
    with pytest.raises(ValidationFailed) as exc:
        parse_text("northstar: 1\nworkspace:\n  name: A\n  name: B\n")
    assert "line 4" in str(exc.value.errors[0].message)
    assert "“name” appears twice" in str(exc.value.errors[0].message)


def test_an_import_names_the_path_of_the_text(db, finvest):
    finvest["objectives"][1]["key_results"][0]["title"] = "Ship the \x07 thing"
    with pytest.raises(ValidationFailed) as refused:
        import_document(finvest)
    assert [e.field for e in refused.value.errors] == ["objectives[1].key_results[0].title"]


def test_it_needs_someone_to_import_as(finvest):
    for person in finvest["people"]:
        person["role"] = "editor"
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["people"]


# --- updating a workspace ---------------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(imported, finvest):
    counts = (
        Objective.objects.count(),
        KeyResult.objects.count(),
        CheckIn.objects.count(),
        AuditEntry.objects.count(),
    )
    report = import_document(finvest, workspace=imported)
    assert not report.changed
    assert report.tallies["check_ins"].unchanged == CheckIn.objects.filter(workspace=imported).count()
    assert report.tallies["objectives"].unchanged == 3
    assert (
        Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count(), AuditEntry.objects.count()
    ) == counts  # fmt: skip


def test_reimporting_updates_what_changed_and_adds_new_check_ins(imported, finvest):
    kr = finvest["objectives"][0]["key_results"][0]
    kr["target"] = 25
    kr["check_ins"].append({"date": dt.date(2026, 11, 20), "value": 6.5})
    finvest["objectives"][2]["aligns_to"] = []
    finvest["people"][4]["teams"] = ["support"]
    report = import_document(finvest, workspace=imported)
    assert (report.tallies["key_results"].updated, report.tallies["check_ins"].created) == (1, 1)
    assert (report.tallies["objectives"].updated, report.tallies["people"].updated) == (1, 1)
    assert KeyResult.objects.get(workspace=imported, key="annual-conversion").target == 25
    assert KeyResult.objects.get(workspace=imported, key="annual-conversion").current_value == 6.5
    assert not Alignment.objects.filter(child__key="world-class-support").exists()
    assert list(
        TeamMember.objects.filter(user__email="ben.okafor@finvest.example").values_list(
            "team__key", flat=True
        )
    ) == ["support"]


def test_update_mode_can_refer_to_what_the_workspace_already_has(world):
    doc = {
        "northstar": 1,
        "objectives": [
            {
                "key": "more-trials",
                "title": "More trials",
                "team": "growth",
                "period": "fy27",
                "owner": "edith@acme.example",
                "aligns_to": ["grow-revenue"],
                "key_results": [
                    {"key": "trials", "title": "Trials from 10 to 30", "start": 10, "target": 30}
                ],
            }
        ],
    }
    report = import_document(doc, workspace=world.workspace)
    assert report.tallies["objectives"].created == 1
    created = Objective.objects.get(workspace=world.workspace, key="more-trials")
    assert list(created.parents.all()) == [world.objective]
    assert created.key_results.get().kind == "increase"


def test_update_mode_refuses_to_move_a_key_result_to_another_objective(world):
    doc = {
        "northstar": 1,
        "objectives": [
            {
                "key": "uptime",
                "title": "Keep the app up",
                "team": "it",
                "key_results": [{"key": "annual-plans", "title": "X", "start": 0, "target": 1}],
            }
        ],
    }
    with pytest.raises(ValidationFailed) as exc:
        import_document(doc, workspace=world.workspace)
    assert paths(exc) == ["objectives[0].key_results[0].key"]


def test_an_editor_cannot_import_what_only_admins_may_write(world):
    doc = {"northstar": 1, "teams": [{"key": "new-team", "name": "New team"}]}
    with pytest.raises(ValidationFailed) as exc:
        import_document(doc, user=world.editor, workspace=world.workspace)
    assert paths(exc) == ["teams[0]"]
    assert not Team.objects.filter(key="new-team").exists()


def test_an_outsider_cannot_import_into_a_workspace(world):
    with pytest.raises(ValidationFailed):
        import_document({"northstar": 1}, user=world.outsider, workspace=world.workspace)


def test_a_dry_run_counts_but_writes_nothing(finvest):
    report = import_document(finvest, dry_run=True)
    assert report.dry_run
    assert report.tallies["objectives"].created == 3
    assert not Workspace.objects.exists()
    assert not User.objects.exists()


def test_it_reports_progress_up_to_the_total(finvest):
    seen = []
    import_document(finvest, on_progress=lambda section, done, total: seen.append((section, done, total)))
    assert seen[-1][1] == seen[-1][2]
    assert {s for s, _d, _t in seen} == {
        "workspace",
        "periods",
        "teams",
        "people",
        "objectives",
        "key_results",
        "check_ins",
        "work",
        "dependencies",
        "contributions",
        "capacity",
    }


SHARED_EXAMPLE = settings.BASE_DIR.parent.parent / "shared" / "examples" / "finvest.yaml"


def test_a_comma_in_unquoted_flow_text_stays_part_of_the_text():
    data = parse_text(
        "- {date: 2026-11-02, value: 4.6, comment: Invites shipped, no effect yet}\n- {a: 1, b}"
    )
    assert data[0]["comment"] == "Invites shipped, no effect yet"
    # A valueless key after a non-text value is still a key (and then reported as unknown).
    assert data[1] == {"a": 1, "b": None}


@pytest.mark.django_db
@pytest.mark.skipif(
    not SHARED_EXAMPLE.exists(), reason="the shared reference data is not beside the checkout"
)
def test_it_imports_the_shared_reference_file_as_published():
    report = import_document(parse_text(SHARED_EXAMPLE.read_text()), user="maria.lind@finvest.example")
    seats = KeyResult.objects.get(workspace__slug=report.workspace_slug, key="seats-per-subscription")
    assert (
        seats.check_ins.order_by("checked_in_at").last().comment
        == "Invites shipped in October, no effect yet"
    )
