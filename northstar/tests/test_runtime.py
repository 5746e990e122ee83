import gc

from northstar.runtime import GC_THRESHOLDS


def test_every_process_that_starts_django_collects_young_objects_less_often_than_python_does():
    # pytest-django has set Django up, as a server, a worker or the CLI does
    assert gc.get_threshold() == GC_THRESHOLDS
    assert GC_THRESHOLDS[0] > 700  # Python's default
