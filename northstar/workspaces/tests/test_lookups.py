"""``among``: a long list of ids sent as one value finds exactly what ``__in`` finds, on either database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from northstar.okrs.models import KeyResult, Objective
from northstar.workspaces.lookups import LONG_LIST, among

pytestmark = pytest.mark.django_db


def _ids(query):
    return sorted(query.values_list("pk", flat=True))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=-5, max_value=5_000), max_size=LONG_LIST * 3))
def test_among_finds_what_in_finds_whatever_the_ids(world, wanted):  # reads only: the world may be shared
    for model, field in ((Objective, "pk"), (KeyResult, "objective_id"), (KeyResult, "pk")):
        ids = wanted + ([] if not wanted else [o.pk for o in Objective.objects.all()][: len(wanted) % 4])
        expected = _ids(model.objects.filter(**{f"{field}__in": ids}))
        assert _ids(model.objects.filter(among(field, ids))) == expected
        assert _ids(model.objects.filter(**{f"{field}__among": ids})) == expected


def test_a_long_list_is_one_value_and_a_short_one_stays_in_the_sql(world):
    long_list = [world.objective.pk, *range(10**6, 10**6 + LONG_LIST)]
    with CaptureQueriesContext(connection) as long_read:
        found = _ids(KeyResult.objects.filter(among("objective_id", long_list)))
    assert found == [world.key_result.pk]
    assert (
        long_read.captured_queries[0]["sql"].count(str(10**6 + LONG_LIST - 1)) <= 1
    )  # sent whole, not one by one
    with CaptureQueriesContext(connection) as short_read:
        assert _ids(KeyResult.objects.filter(among("objective_id", [world.objective.pk]))) == found
    assert "IN (" in short_read.captured_queries[0]["sql"]
    assert (
        "json_each" not in short_read.captured_queries[0]["sql"]
        and "ANY(" not in short_read.captured_queries[0]["sql"]
    )


def test_among_takes_ids_only(world):
    with pytest.raises((ValueError, TypeError)):
        list(KeyResult.objects.filter(objective_id__among=["1; DROP TABLE okrs_keyresult"]))
    assert KeyResult.objects.filter(objective_id__among=[]).count() == 0
