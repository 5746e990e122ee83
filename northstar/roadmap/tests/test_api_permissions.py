"""Who may do what to the roadmap through the REST API: every persona against every endpoint and method.

Personas (northstar/testing.py): owner and admin of Acme plan everything; editor (Edith, in Growth) plans
Growth's work; viewer (Victor, in Growth) only reads; other_team (Ivan, editor in IT) reads Growth's work but
plans only IT's, and does not see links to Growth's team-only objective; outsider (Otto) owns another workspace,
Bolt, so Acme's rows do not exist for him (404) while what he creates lands in Bolt; anonymous is 401.
The roadmap is `make_roadmap` (northstar/roadmap/testing.py).
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from northstar.roadmap import actions
from northstar.roadmap.models import Baseline, BaselineItem, Contribution, Dependency, WorkItem
from northstar.roadmap.testing import RoadmapScene, make_roadmap
from northstar.testing import API, PERSONAS, World, call_api, check_persona_call, status_row
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.models import Team


@dataclass
class Scene:
    """The world, its roadmap, a baseline, and a link from Design to Growth's team-only key result."""

    world: World
    rm: RoadmapScene
    baseline: Baseline
    private_link: Contribution

    def __getattr__(self, name):
        if hasattr(self.rm, name):
            return getattr(self.rm, name)
        return getattr(self.world, name)

    def version(self, obj) -> int:
        return type(obj).objects.get(pk=obj.pk).version


@pytest.fixture
def scene(world) -> Scene:
    rm = make_roadmap(world)
    boss = world.actor(world.owner)
    private_link = actions.set_contribution(boss, rm.design.pk, key_result=world.private_key_result.pk)
    baseline = actions.save_baseline(boss, name="Quarter start")
    return Scene(world, rm, baseline, private_link)


READ_ALL = status_row(200, 200, 200, 200, 200, 200)  # lists: everyone signed in gets their own workspace
READ_MEMBERS = status_row(200, 200, 200, 200, 200, 404)
GROWTH_WRITE = status_row(200, 200, 200, 403, 403, 404)
IT_WRITE = status_row(200, 200, 403, 403, 200, 404)
GROWTH_DELETE = status_row(204, 204, 204, 403, 403, 404)
IT_DELETE = status_row(204, 204, 403, 403, 204, 404)

# (name, method, path, body, expected status per persona)
CASES = [
    # reads
    ("list work items", "get", lambda s: "/work-items", None, READ_ALL),
    ("get Growth item", "get", lambda s: f"/work-items/{s.initiative.pk}", None, READ_MEMBERS),
    ("get IT item", "get", lambda s: f"/work-items/{s.hosting.pk}", None, READ_MEMBERS),
    ("list dependencies", "get", lambda s: "/dependencies", None, READ_ALL),
    ("list contributions", "get", lambda s: "/contributions", None, READ_ALL),
    ("list baselines", "get", lambda s: "/baselines", None, READ_ALL),
    ("get baseline", "get", lambda s: f"/baselines/{s.baseline.pk}", None, READ_MEMBERS),
    ("timeline", "get", lambda s: "/timeline", None, READ_ALL),
    # work items: editors plan for their own teams; the outsider acts in Bolt, where Acme's team is unknown
    (
        "create Growth item",
        "post",
        lambda s: "/work-items",
        lambda s: {"title": "New", "team": s.growth.pk},
        status_row(201, 201, 201, 403, 403, 422),
    ),
    (
        "create IT item",
        "post",
        lambda s: "/work-items",
        lambda s: {"title": "New", "team": s.it.pk},
        status_row(201, 201, 403, 403, 201, 422),
    ),
    (
        "create part of Growth initiative",
        "post",
        lambda s: "/work-items",
        lambda s: {"title": "New", "parent": s.initiative.pk},
        status_row(201, 201, 201, 403, 403, 422),
    ),
    (
        "change Growth item",
        "patch",
        lambda s: f"/work-items/{s.build.pk}",
        lambda s: {"version": s.version(s.build), "start": "2026-11-20", "end": "2027-02-04"},
        GROWTH_WRITE,
    ),
    (
        "change IT item",
        "patch",
        lambda s: f"/work-items/{s.hosting.pk}",
        lambda s: {"version": s.version(s.hosting), "title": "Changed"},
        IT_WRITE,
    ),
    (
        "hand Growth item to IT",
        "patch",
        lambda s: f"/work-items/{s.wiki.pk}",
        lambda s: {"version": s.version(s.wiki), "team": s.it.pk},
        status_row(200, 200, 403, 403, 403, 404),
    ),
    ("delete Growth item", "delete", lambda s: f"/work-items/{s.wiki.pk}", None, GROWTH_DELETE),
    ("delete IT item", "delete", lambda s: f"/work-items/{s.hosting.pk}", None, IT_DELETE),
    # dependencies belong to their successor
    (
        "add dependency to Growth item",
        "post",
        lambda s: "/dependencies",
        lambda s: {"predecessor": s.hosting.pk, "successor": s.milestone.pk},
        status_row(201, 201, 201, 403, 403, 404),
    ),
    (
        "add dependency to IT item",
        "post",
        lambda s: "/dependencies",
        lambda s: {"predecessor": s.wiki.pk, "successor": s.hosting.pk},
        status_row(201, 201, 403, 403, 201, 404),
    ),
    ("remove Growth dependency", "delete", lambda s: f"/dependencies/{s.dependency.pk}", None, GROWTH_DELETE),
    # contributions belong to their work item; a link to a team-only key result is as private as it
    (
        "link Growth item",
        "post",
        lambda s: "/contributions",
        lambda s: {"work_item": s.wiki.pk, "key_result": s.key_result.pk},
        status_row(201, 201, 201, 403, 403, 404),
    ),
    (
        "link IT item",
        "post",
        lambda s: "/contributions",
        lambda s: {"work_item": s.hosting.pk, "key_result": s.key_result.pk},
        status_row(201, 201, 403, 403, 201, 404),
    ),
    (
        "reweigh Growth link",
        "post",
        lambda s: "/contributions",
        lambda s: {"work_item": s.initiative.pk, "key_result": s.key_result.pk, "weight": 5},
        status_row(200, 200, 200, 403, 403, 404),
    ),
    ("unlink Growth item", "delete", lambda s: f"/contributions/{s.contribution.pk}", None, GROWTH_DELETE),
    ("unlink IT item", "delete", lambda s: f"/contributions/{s.it_contribution.pk}", None, IT_DELETE),
    (
        "unlink private link",
        "delete",
        lambda s: f"/contributions/{s.private_link.pk}",
        None,
        status_row(204, 204, 204, 403, 404, 404),
    ),
    # baselines: any editor saves one; the outsider saves one of Bolt
    (
        "save baseline",
        "post",
        lambda s: "/baselines",
        lambda s: {"name": "Mid quarter"},
        status_row(201, 201, 201, 403, 201, 201),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.django_db
def test_each_persona_gets_the_expected_status(scene, client, persona, method, path, body, expected):
    user = scene.persona(persona)
    check_persona_call(client, user, method, path(scene), body(scene) if body else None, expected[persona])


def state() -> tuple:
    """Row counts, versions, dates and weights: what any roadmap write would change."""
    return (
        tuple(m.objects.count() for m in (WorkItem, Dependency, Contribution, Baseline, BaselineItem)),
        tuple(WorkItem.objects.order_by("pk").values_list("version", "team_id", "start", "end", "title")),
        tuple(Contribution.objects.order_by("pk").values_list("weight", flat=True)),
    )


REFUSED_WRITES = [
    pytest.param(persona, *case[1:4], id=f"{persona}-{case[0]}")
    for case in CASES
    if case[1] != "get"
    for persona in ("editor", "viewer", "other_team", "outsider")
    if case[4][persona] in (403, 404, 422)
]


@pytest.mark.parametrize(("persona", "method", "path", "body"), REFUSED_WRITES)
@pytest.mark.django_db
def test_a_refused_write_changes_nothing(scene, client, persona, method, path, body):
    client.force_login(scene.persona(persona))
    before = state()
    response = call_api(client, method, path(scene), body(scene) if body else None)
    assert response.status_code in (403, 404, 422)
    assert state() == before


# --- no list leaks the other workspace ------------------------------------------------------------------------


@dataclass
class Bolt:
    items: set[int]
    dependencies: set[int]
    contributions: set[int]
    baselines: set[int]

    def rows(self, path: str) -> set[int]:
        return {
            "/work-items": self.items,
            "/dependencies": self.dependencies,
            "/contributions": self.contributions,
            "/baselines": self.baselines,
            "/timeline": self.items,
        }[path]


@pytest.fixture
def bolt(scene) -> Bolt:
    otto = scene.actor(scene.outsider, scene.other_workspace)
    team = Team.objects.get(workspace=scene.other_workspace)
    first = actions.create_work_item(
        otto, title="Bolt's plan", kind="initiative", team=team.pk, start=dt.date(2026, 12, 1),
        end=dt.date(2027, 1, 31),
    )  # fmt: skip
    second = actions.create_work_item(otto, title="Bolt's task", parent=first.pk)
    dep = actions.add_dependency(otto, predecessor=second.pk, successor=first.pk, kind="ff")
    link = actions.set_contribution(otto, first.pk, key_result=scene.other_key_result.pk)
    baseline = actions.save_baseline(otto, name="Bolt's baseline")
    return Bolt({first.pk, second.pk}, {dep.pk}, {link.pk}, {baseline.pk})


LISTS = ["/work-items", "/dependencies", "/contributions", "/baselines", "/timeline"]


@pytest.mark.parametrize("persona", ["owner", "admin", "editor", "viewer", "other_team"])
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.django_db
def test_lists_never_show_acme_people_a_row_of_bolt(scene, bolt, client, persona, path):
    client.force_login(scene.persona(persona))
    response = client.get(API + path, {"limit": 500} if path != "/timeline" else {})
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()["items"]}
    assert listed
    assert not listed & bolt.rows(path)


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.django_db
def test_the_outsider_lists_only_bolt(scene, bolt, client, path):
    client.force_login(scene.outsider)
    body = client.get(API + path).json()
    assert {item["id"] for item in body["items"]} == bolt.rows(path)
    if path == "/timeline":
        assert {d["id"] for d in body["dependencies"]} == bolt.dependencies
        assert {lane["label"] for lane in body["lanes"]} == {"Bolt's own objective"}
    else:
        assert body["count"] == len(bolt.rows(path))


@pytest.mark.parametrize(
    "path",
    [
        "/work-items/{initiative}",
        "/baselines/{baseline}",
        "/work-items?key_result={key_result}",
        "/work-items?parent={initiative}",
        "/dependencies?item={build}",
        "/contributions?work_item={initiative}",
    ],
)
@pytest.mark.django_db
def test_the_outsider_finds_nothing_of_acme_by_id(scene, bolt, client, path):
    client.force_login(scene.outsider)
    names = {"initiative", "baseline", "key_result", "build"}
    response = client.get(API + path.format(**{n: getattr(scene, n).pk for n in names}))
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.json() == {"count": 0, "items": []}


@pytest.mark.django_db
def test_the_other_team_does_not_see_links_to_a_team_only_key_result(scene, client):
    client.force_login(scene.other_team)
    links = {c["id"] for c in client.get(f"{API}/contributions").json()["items"]}
    assert links == {scene.contribution.pk, scene.it_contribution.pk}
    design = client.get(f"{API}/work-items/{scene.design.pk}").json()
    # Without its own (hidden) link, Design shows the link it inherits from its initiative.
    assert design["links"] == [
        {"key_result": scene.key_result.pk, "objective": None, "weight": 2.0, "inherited": True}
    ]
    filtered = client.get(f"{API}/work-items", {"key_result": scene.private_key_result.pk}).json()
    assert filtered == {"count": 0, "items": []}


@pytest.mark.django_db
def test_the_editor_sees_the_team_only_link_as_designs_own(scene, client):
    client.force_login(scene.editor)
    design = client.get(f"{API}/work-items/{scene.design.pk}").json()
    assert design["links"] == [
        {"key_result": scene.private_key_result.pk, "objective": None, "weight": 1.0, "inherited": False}
    ]


@pytest.mark.django_db
def test_the_timeline_says_which_items_a_person_may_move(scene, client):
    client.force_login(scene.other_team)
    items = {i["id"]: i["can_change"] for i in client.get(f"{API}/timeline").json()["items"]}
    assert {pk for pk, can in items.items() if can} == {scene.hosting.pk}
    client.force_login(scene.viewer)
    assert not any(i["can_change"] for i in client.get(f"{API}/timeline").json()["items"])


@pytest.mark.django_db
def test_a_read_only_token_cannot_move_an_item(scene, client):
    _token, raw = ws_actions.create_api_token(scene.actor(scene.editor), name="reader", read_only=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"{API}/timeline", **auth).status_code == 200
    response = client.patch(
        f"{API}/work-items/{scene.build.pk}",
        {"version": 1, "start": "2026-11-20", "end": "2027-02-04"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    assert WorkItem.objects.get(pk=scene.build.pk).version == 1


@pytest.mark.django_db
def test_joining_a_team_lets_an_editor_plan_its_work(scene, client):
    growth = [scene.editor.pk, scene.viewer.pk, scene.other_team.pk]
    ws_actions.set_team_members(scene.actor(scene.owner), scene.growth.pk, growth)
    client.force_login(scene.other_team)
    response = client.patch(
        f"{API}/work-items/{scene.build.pk}",
        {"version": 1, "title": "Changed"},
        content_type="application/json",
    )
    assert response.status_code == 200
