"""What a process keeps of what it computed, by everything it depends on: at most as much as a setting allows,
the least recently used dropped first. Readers share what is kept and never change it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

_MISSING = object()


class Kept:
    def __init__(self, room: Callable[[], int], size: Callable[[Any], int] = lambda _value: 1) -> None:
        self._room = room  # read on every change, so that a setting changed in tests takes effect
        self._size = size  # how much of the room an entry takes (one, unless said otherwise)
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key][0]

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """What is kept for ``key``, else what ``make`` makes, kept for next time."""
        found = self.get(key, _MISSING)
        if found is _MISSING:
            found = make()
            self.put([(key, found)])
        return found

    def get_many(self, keys: Iterable[Hashable], default: Any = None) -> list[Any]:
        """What is kept for each key, in order (``default`` where nothing is), under one lock."""
        with self._lock:
            entries, out = self._entries, []
            for key in keys:
                found = entries.get(key)
                if found is None:
                    out.append(default)
                else:
                    entries.move_to_end(key)
                    out.append(found[0])
            return out

    def put(self, pairs: Iterable[tuple[Hashable, Any]]) -> None:
        room = self._room()
        if room <= 0:
            return
        with self._lock:
            for key, value in pairs:
                if key in self._entries:
                    self._used -= self._entries[key][1]
                size = self._size(value)
                self._entries[key] = (value, size)
                self._entries.move_to_end(key)
                self._used += size
            while self._used > room and self._entries:
                _key, (_value, size) = self._entries.popitem(last=False)
                self._used -= size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._used = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def used(self) -> int:
        """How much of the room the entries take."""
        return self._used
