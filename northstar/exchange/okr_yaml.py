"""OKRs as code: the YAML format of `shared/examples/finvest.yaml`, read and written.

The format, one document per workspace::

    northstar: 1                      # format version
    workspace: {name, language, check_in_cadence_days?, rollup_includes_aligned?}
    periods:    [{key, name, start, end, parent?, kind?, closed?}]
    teams:      [{key, name, parent?}]
    people:     [{email, name?, role, teams?}]
    objectives: [{key, title, description?, team, owner?, period?, status?, visibility?, weight?, aligns_to?,
                  key_results: [{key, title, description?, kind, unit?, start?, target?, low?, high?, weight?,
                                 owner?, check_ins: [{date, value, confidence?, comment?, by?}]}]}]
    work:       [{key, kind: initiative|milestone|task, title, description?, team? (default: the parent's),
                  owner?, start?, end? | date (a milestone), status?, estimate_days?, effort_done_days?,
                  contributes?: [{kr: KEY | objective: KEY, weight}],
                  depends_on?: [KEY | {key, kind?: fs|ss|ff, lag_days?}],
                  children?: [...]}]    # nested to any depth; keys unique across the file
    capacity:   [{team, period, person_days}]

Three steps, each in its own module:

- `okr_yaml` (this module) turns text into plain data and back (`parse_text`, `dump_document`);
- `schema.validate_document` checks the whole document and lists *every* problem with its path
  (`objectives[1].key_results[0].target: …`) before anything is written;
- `importer.import_document` writes it through the action functions in one transaction, all or nothing;
  `exporter.export_document` reads a workspace back through the permission gate.

Export omits default values (status active, visibility workspace, weight 1, a period kind that follows from its
dates, a check-in's author when it is the key result's owner…), so exporting an imported file gives the same data
back — the roadmap included (planned status, zero effort done, a child's team when it is its parent's, a
finish-to-start dependency without lag written as the bare key).

JSON documents have the same shape (dates as ISO 8601 strings); `parse_text` reads both.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from northstar.workspaces.errors import ValidationFailed

FORMAT_VERSION = 1
FORMATS = ("yaml", "json")


# --- reading ----------------------------------------------------------------------------------------------------


class _DuplicateKey(yaml.constructor.ConstructorError):
    pass


def _rejoin_commas(pairs: list[tuple[yaml.Node, yaml.Node]]) -> list[tuple[yaml.Node, yaml.Node]]:
    """In `{comment: Invites shipped, no effect yet}` YAML ends the plain text at the comma and reads
    `no effect yet` as a key without a value. People mean one text (the reference finvest.yaml has exactly
    this), so a valueless plain key right after a plain text value is joined back onto that text. (A plain
    scalar's style is None from PyYAML's parser and "" from libyaml's.)"""
    out: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in pairs:
        previous = out[-1][1] if out else None
        if (
            isinstance(previous, yaml.ScalarNode)
            and not previous.style
            and previous.tag == "tag:yaml.org,2002:str"
            and isinstance(key_node, yaml.ScalarNode)
            and not key_node.style
            and key_node.tag == "tag:yaml.org,2002:str"
            and isinstance(value_node, yaml.ScalarNode)
            and value_node.tag == "tag:yaml.org,2002:null"
            and value_node.value == ""
        ):
            previous.value = f"{previous.value}, {key_node.value}"
            continue
        out.append((key_node, value_node))
    return out


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that refuses a key given twice in one mapping (PyYAML would silently keep the last).
    Its parser is libyaml's where PyYAML was built with it: a medium workspace's 19 MB export is read in 10 s,
    not 43 s (the nodes are still made into data in Python)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        if node.flow_style:
            node.value = _rejoin_commas(node.value)
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: let PyYAML report it
                continue
            if duplicate:
                raise _DuplicateKey(
                    None,
                    None,
                    _("the key “%(key)s” appears twice in the same mapping") % {"key": key},
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def parse_text(text: str) -> Any:
    """Parse a YAML (or JSON) document into plain Python data. Raises ValidationFailed with the line and column."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or str(exc)
        if mark is None:
            raise ValidationFailed.one(
                "", _("This is not valid YAML: %(problem)s.") % {"problem": problem}
            ) from exc
        raise ValidationFailed.one(
            "",
            _("This is not valid YAML (line %(line)d, column %(column)d): %(problem)s.")
            % {"line": mark.line + 1, "column": mark.column + 1, "problem": problem},
        ) from exc
    except yaml.YAMLError as exc:
        raise ValidationFailed.one("", _("This is not valid YAML: %(problem)s.") % {"problem": exc}) from exc
    except UnicodeEncodeError as exc:  # libyaml reads UTF-8: a lone surrogate cannot be written as such
        raise ValidationFailed.one(
            "", _("This is not valid YAML: %(problem)s.") % {"problem": exc.reason}
        ) from exc


def read_path(path: str | Path) -> Any:
    """Read and parse a file. Raises ValidationFailed for a missing, unreadable or malformed file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ValidationFailed.one("", _("There is no file %(path)s.") % {"path": path}) from exc
    except UnicodeDecodeError as exc:
        raise ValidationFailed.one("", _("%(path)s is not a UTF-8 text file.") % {"path": path}) from exc
    except OSError as exc:
        raise ValidationFailed.one(
            "", _("%(path)s cannot be read: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from exc
    return parse_text(text)


# --- writing ----------------------------------------------------------------------------------------------------


class Flow(dict[str, Any]):
    """A mapping written on one line (`{date: 2026-08-03, value: 1.8}`), as people and check-ins are in the
    reference file. Plain dicts are written as blocks."""


class FlowList(list[Any]):
    """A list written on one line (`aligns_to: [recurring-revenue]`)."""


# The writer is ours, not PyYAML's: PyYAML's pure-Python dumper took 22 s for a medium workspace's 22 MB (its
# C emitter, behind the same Python representer, 7 s), ours about 1 s. What may be written plain is still PyYAML's
# own judgement (`Emitter.analyze_scalar` and the resolver), asked once per distinct text; everything else is
# double-quoted, which holds any text on one line.
_ANALYSER = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_NAMED = {
    "\x00": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r",
    "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L", "\u2029": "P",
}  # fmt: skip
# what a double-quoted scalar cannot hold as it is: quotes, backslashes, line breaks and YAML's non-printables
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\\u2028\u2029\ud800-\udfff\ufffe\uffff]')


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return "\\" + _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _Writer:
    """YAML in the reference file's style: block mappings, lists indented under their key, `Flow` mappings and
    `FlowList` lists on one line, and empty ones as `{}` and `[]`."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.texts: dict[tuple[str, bool], str] = {}

    def text(self, value: str, flow: bool) -> str:
        known = self.texts.get((value, flow))
        if known is None:
            analysis = _ANALYSER.analyze_scalar(value)
            plain = (analysis.allow_flow_plain if flow else analysis.allow_block_plain) and _RESOLVER.resolve(
                yaml.ScalarNode, value, (True, False)
            ) == _STR
            known = self.texts[(value, flow)] = value if plain else '"' + _UNSAFE.sub(_escape, value) + '"'
        return known

    def scalar(self, value: Any, flow: bool) -> str:
        if isinstance(value, str):
            return self.text(value, flow)
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _float(value)
        if isinstance(value, dt.datetime):
            return value.isoformat(" ")
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} cannot be written as YAML")

    def inline(self, value: Any) -> str:
        """A value in flow style: everything inside a flow collection is."""
        if isinstance(value, dict):
            return (
                "{" + ", ".join(f"{self.scalar(k, True)}: {self.inline(v)}" for k, v in value.items()) + "}"
            )
        if isinstance(value, list):
            return "[" + ", ".join(self.inline(v) for v in value) + "]"
        return self.scalar(value, True)

    def value(self, value: Any) -> str:
        """A value that is not a block of its own, after a key or a dash."""
        if isinstance(value, dict | list):
            return self.inline(value)
        return self.scalar(value, False)

    def mapping(self, mapping: dict[Any, Any], indent: int, lead: str) -> None:
        pad = " " * indent
        for key, value in mapping.items():
            name = self.scalar(key, False)
            if _is_block(value):
                self.out.append(f"{lead}{name}:\n")
                self.block(value, indent + 2, " " * (indent + 2))
            else:
                self.out.append(f"{lead}{name}: {self.value(value)}\n")
            lead = pad

    def sequence(self, items: list[Any], indent: int, lead: str) -> None:
        pad = " " * indent
        for item in items:
            if _is_block(item):
                self.block(item, indent + 2, lead + "- ")
            else:
                self.out.append(f"{lead}- {self.value(item)}\n")
            lead = pad

    def block(self, value: dict[Any, Any] | list[Any], indent: int, lead: str) -> None:
        if isinstance(value, dict):
            self.mapping(value, indent, lead)
        else:
            self.sequence(value, indent, lead)


def _is_block(value: Any) -> bool:
    return bool(value) and (
        (isinstance(value, dict) and not isinstance(value, Flow))
        or (isinstance(value, list) and not isinstance(value, FlowList))
    )


def _float(value: float) -> str:
    """As PyYAML writes a float: `.nan`, `.inf`, and an exponent always after a decimal point."""
    if value != value:
        return ".nan"
    if value in (math.inf, -math.inf):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def dump_yaml(document: Any) -> str:
    """``document`` (dicts, lists, `Flow`, `FlowList`, text, numbers, booleans, dates, None) as YAML text."""
    writer = _Writer()
    if _is_block(document):
        writer.block(document, 0, "")
    else:
        writer.out.append(writer.value(document) + "\n")
    return "".join(writer.out)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dump_document(document: dict[str, Any], fmt: str = "yaml", *, header: str = "") -> str:
    """Write a document as YAML (block style, people and check-ins on one line each) or JSON."""
    if fmt == "json":
        return json.dumps(document, default=_json_default, ensure_ascii=False, indent=2) + "\n"
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}")
    body = dump_yaml(document)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body
