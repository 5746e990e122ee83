"""How northstar's processes run Python: set once, when Django starts (every server, worker and CLI process)."""

from __future__ import annotations

import gc

# Python's cyclic garbage collector examines its youngest objects after every 700 allocations (net of frees), and
# the older generations after so many of those. A page over the whole OKR tree allocates hundreds of thousands of
# objects (rows, model objects, views, roll-up parts), nearly all freed by reference counting when the response is
# sent, while the roadmaps, forecasts and check-in histories a process keeps make every scan of the older
# generations long. Measured at medium scale: collections took a sixth of the tree's time and a fifth of the
# dashboard's; examining the young objects every 50,000 allocations gives that back, for a few megabytes of
# garbage in cycles held a little longer.
GC_THRESHOLDS = (50_000, 20, 10)


def tune_garbage_collector() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
