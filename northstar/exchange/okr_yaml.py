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
import json
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
    this), so a valueless plain key right after a plain text value is joined back onto that text."""
    out: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in pairs:
        previous = out[-1][1] if out else None
        if (
            isinstance(previous, yaml.ScalarNode)
            and previous.style is None
            and previous.tag == "tag:yaml.org,2002:str"
            and isinstance(key_node, yaml.ScalarNode)
            and key_node.style is None
            and key_node.tag == "tag:yaml.org,2002:str"
            and isinstance(value_node, yaml.ScalarNode)
            and value_node.tag == "tag:yaml.org,2002:null"
            and value_node.value == ""
        ):
            previous.value = f"{previous.value}, {key_node.value}"
            continue
        out.append((key_node, value_node))
    return out


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML would silently keep the last)."""

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


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent lists under their key ("periods:\n  - key: …"), as people write YAML by hand.
        super().increase_indent(flow, False)


def _represent_flow(dumper: yaml.SafeDumper, data: Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


def _represent_flow_list(dumper: yaml.SafeDumper, data: FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(Flow, _represent_flow)
_Dumper.add_representer(FlowList, _represent_flow_list)
_Dumper.add_representer(dict, _represent_dict)


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
    body = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000, default_flow_style=False
    )
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body
