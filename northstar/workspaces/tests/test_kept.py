from northstar.workspaces.kept import Kept


def test_room_is_counted_in_what_each_entry_takes_and_the_least_recently_used_go_first():
    room = {"size": 10}
    kept = Kept(lambda: room["size"], size=len)
    kept.put([("a", "xxxx"), ("b", "xxxx")])
    assert kept.used == 8
    assert kept.get("a") == "xxxx"  # now the most recently used
    kept.put([("c", "xxx")])  # 11 > 10: the least recently used, b, goes
    assert kept.get("b") is None and kept.get("a") == "xxxx" and kept.get("c") == "xxx"
    assert kept.used == 7
    kept.put([("a", "x")])  # a replaced: its old size is given back
    assert kept.used == 4 and len(kept) == 2


def test_an_entry_larger_than_the_room_is_not_kept_and_no_room_keeps_nothing():
    room = {"size": 3}
    kept = Kept(lambda: room["size"], size=len)
    kept.put([("big", "xxxx")])
    assert kept.get("big", "gone") == "gone" and kept.used == 0
    room["size"] = 0
    kept.put([("a", "x")])
    assert len(kept) == 0


def test_without_a_size_every_entry_counts_one():
    kept = Kept(lambda: 2)
    kept.put([("a", 1), ("b", 2), ("c", 3)])
    assert kept.get("a") is None and kept.get("b") == 2 and kept.get("c") == 3 and kept.used == 2


def test_get_many_answers_in_order_and_counts_each_found_entry_as_used():
    kept = Kept(lambda: 2)
    kept.put([("a", 1), ("b", None)])
    assert kept.get_many(["b", "missing", "a"], "none") == [None, "none", 1]  # a kept None is an answer
    kept.put([("c", 3)])  # a was used last, so b goes
    assert kept.get_many(["a", "b", "c"], "gone") == [1, "gone", 3]


def test_get_or_make_makes_once_while_kept_and_every_time_without_room():
    room = {"size": 5}
    kept = Kept(lambda: room["size"])
    made = []

    def make():
        made.append(1)
        return None  # a made None is kept like any answer

    assert kept.get_or_make("a", make) is None and kept.get_or_make("a", make) is None
    assert len(made) == 1
    room["size"] = 0
    kept.clear()
    kept.get_or_make("b", make)
    kept.get_or_make("b", make)
    assert len(made) == 3
