"""What a process keeps of what it computed, by everything it depends on: at most as many entries as a setting
allows, the least recently used dropped first. Readers share what is kept and never change it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any


class Kept:
    def __init__(self, room: Callable[[], int]) -> None:
        self._room = room  # read on every change, so that a setting changed in tests takes effect
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, pairs: Iterable[tuple[Hashable, Any]]) -> None:
        room = self._room()
        if room <= 0:
            return
        with self._lock:
            for key, value in pairs:
                self._entries[key] = value
                self._entries.move_to_end(key)
            while len(self._entries) > room:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
