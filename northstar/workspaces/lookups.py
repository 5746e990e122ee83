"""``field__among=ids``: the rows whose field is one of a long list of ids, sent as one value — a PostgreSQL array,
a JSON list on SQLite — instead of a placeholder per id. With ``__in``, Django prepares every id one by one and
the driver parses the placeholders: for 20,000 objectives or 80,000 key results of an enterprise workspace, a
large part of the cost of the query. ``among(field, ids)`` picks it for long lists and keeps ``__in`` for short
ones (whose SQL the planner sees whole)."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from django.db.models import Field, ForeignObject, Lookup, Q

LONG_LIST = 500


class Among(Lookup):  # type: ignore[type-arg]
    lookup_name = "among"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [
            int(value) for value in self.rhs
        ]  # ids only: a value that is not a whole number is refused here

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(self.rhs)]


def register() -> None:
    Field.register_lookup(Among)
    ForeignObject.register_lookup(Among)  # foreign keys take their lookups from here, not from Field


def among(field: str, ids: Collection[int]) -> Q:
    """``field`` is one of ``ids``: as one value when the list is long, with ``__in`` when it is not."""
    if len(ids) > LONG_LIST:
        return Q(**{f"{field}__among": list(ids)})
    return Q(**{f"{field}__in": list(ids)})
