"""northstar's own YAML writer: the reference file's style, and any document read back as it was written."""

from __future__ import annotations

import datetime as dt
import math

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.exchange.okr_yaml import Flow, FlowList, dump_document, dump_yaml, parse_text


def test_the_writer_keeps_the_reference_files_style():
    document = {
        "northstar": 1,
        "workspace": {"name": "Finvest", "language": "sv"},
        "periods": [{"key": "fy", "start": dt.date(2026, 7, 1)}, {"key": "q1", "parent": "fy"}],
        "people": [Flow(email="maria@finvest.example", teams=["finvest"])],
        "objectives": [
            {
                "key": "revenue",
                "aligns_to": FlowList(["growth"]),
                "key_results": [
                    {"key": "arr", "unit": "%", "check_ins": [Flow(date=dt.date(2026, 8, 3), value=1.8)]}
                ],
                "children": [],
                "extra": {},
            }
        ],
        "grid": [[1, 2], [3]],
    }
    assert dump_yaml(document) == (
        "northstar: 1\n"
        "workspace:\n"
        "  name: Finvest\n"
        "  language: sv\n"
        "periods:\n"
        "  - key: fy\n"
        "    start: 2026-07-01\n"
        "  - key: q1\n"
        "    parent: fy\n"
        "people:\n"
        "  - {email: maria@finvest.example, teams: [finvest]}\n"
        "objectives:\n"
        "  - key: revenue\n"
        "    aligns_to: [growth]\n"
        "    key_results:\n"
        '      - key: arr\n        unit: "%"\n'
        "        check_ins:\n"
        "          - {date: 2026-08-03, value: 1.8}\n"
        "    children: []\n"
        "    extra: {}\n"
        "grid:\n"
        "  - - 1\n"
        "    - 2\n"
        "  - - 3\n"
    )


def test_texts_yaml_would_read_as_something_else_are_quoted():
    written = dump_yaml(
        {"a": "yes", "b": "2026-08-03", "c": "1.5", "d": "", "e": "null", "f": " padded", "g": "two\nlines"}
    )
    for line in (
        'a: "yes"',
        'b: "2026-08-03"',
        'c: "1.5"',
        'd: ""',
        'e: "null"',
        'f: " padded"',
        'g: "two\\nlines"',
    ):
        assert line in written.splitlines()
    # in a flow mapping a comma ends a plain text, so it is quoted there; a block value keeps it plain
    assert dump_yaml({"x": Flow(comment="Shipped, no effect yet"), "y": "Shipped, no effect yet"}) == (
        'x: {comment: "Shipped, no effect yet"}\ny: Shipped, no effect yet\n'
    )


def test_a_type_yaml_cannot_hold_is_refused():
    try:
        dump_yaml({"a": object()})
    except TypeError as exc:
        assert "object" in str(exc)
    else:
        raise AssertionError("an object was written")


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.text(),
)
KEYS = st.text(max_size=40)


def documents():
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=4).map(FlowList),
            st.dictionaries(KEYS, inner, max_size=4),
            st.dictionaries(KEYS, inner, max_size=4).map(Flow),
        ),
        max_leaves=20,
    )


def same(read, written):
    if isinstance(written, float) and math.isinf(written):
        return read == written
    if isinstance(written, dict):
        return (
            isinstance(read, dict)
            and list(read) == list(written)
            and all(same(read[k], v) for k, v in written.items())
        )
    if isinstance(written, list):
        return isinstance(read, list) and len(read) == len(written) and all(map(same, read, written))
    return type(read) is type(written) and read == written


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(KEYS, documents(), max_size=5), header=st.text(alphabet="abc \n", max_size=20)
)
def test_any_document_is_read_back_as_it_was_written(document, header):
    text = dump_document(document, header=header)
    assert same(parse_text(text), document)
    # and as PyYAML's pure-Python reader reads it, not libyaml's alone
    assert same(yaml.load(text, Loader=yaml.SafeLoader), document)  # noqa: S506


@given(value=documents())
def test_a_single_value_is_a_document_too(value):
    assert same(parse_text(dump_yaml(value)), value)
