"""QuickRows: a row read whole is made without Model.__init__ and is the instance __init__ makes."""

import pickle

import pytest
from django.db.models.signals import post_init

from northstar.okrs.models import KeyResult, Objective
from northstar.roadmap.models import Dependency, WorkItem
from northstar.roadmap.testing import make_roadmap

pytestmark = pytest.mark.django_db

MODELS = (Objective, KeyResult, WorkItem, Dependency)


def _fields(instance):
    return {name: value for name, value in instance.__dict__.items() if name != "_state"}


def _made_by_init(model, pk):
    names = [field.attname for field in model._meta.concrete_fields]
    row = model.objects.filter(pk=pk).values_list(*names).get()
    usual = model(*row)
    usual._state.adding, usual._state.db = False, "default"
    return usual


@pytest.mark.parametrize("model", MODELS)
def test_a_row_read_whole_is_the_instance_init_makes(world, model):
    make_roadmap(world)
    rows = list(model.objects.filter(workspace=world.workspace))
    assert rows
    for quick in rows:
        usual = _made_by_init(model, quick.pk)
        assert type(quick) is model
        assert _fields(quick) == _fields(usual)
        assert (quick._state.adding, quick._state.db) == (False, "default")
        assert not quick.get_deferred_fields()
        assert _fields(pickle.loads(pickle.dumps(quick))) == _fields(pickle.loads(pickle.dumps(usual)))


def test_it_behaves_as_any_row_read(world):
    kr = KeyResult.objects.get(pk=world.key_result.pk)
    assert kr.objective.pk == world.objective.pk  # its foreign keys are followed
    assert kr.workspace_id == world.workspace.pk
    kr.title = "Raise annual plans from 0% to 25%"
    kr.save(update_fields=["title"])
    assert KeyResult.objects.get(pk=kr.pk).title == "Raise annual plans from 0% to 25%"
    again = KeyResult.objects.select_related("objective").get(pk=kr.pk)
    assert again.objective.title == world.objective.title  # a join fills the cache as before


def test_a_dependency_read_quickly_follows_its_items(world):
    rm = make_roadmap(world)
    quick = Dependency.objects.get(pk=rm.dependency.pk)
    assert (quick.predecessor.title, quick.successor.title) == (rm.design.title, rm.build.title)
    item = WorkItem.objects.get(pk=rm.build.pk)
    assert item.parent.pk == rm.initiative.pk
    assert [d.pk for d in item.predecessor_links.all()] == [rm.dependency.pk]


def test_rows_read_in_part_and_models_listened_to_are_made_the_usual_way(world):
    partial = Objective.objects.only("id", "title").get(pk=world.objective.pk)
    assert "description" in partial.get_deferred_fields()
    assert partial.description == world.objective.description  # read on demand, as Django does
    seen = []

    def listen(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(listen, sender=KeyResult)
    try:
        read = list(KeyResult.objects.filter(workspace=world.workspace))
    finally:
        post_init.disconnect(listen, sender=KeyResult)
    assert sorted(seen) == sorted(kr.pk for kr in read)
