"""Errors that actions raise and that pages, the API and the CLI turn into messages a person understands."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from northstar.workspaces.permissions import NotFound, PermissionDenied

__all__ = [
    "UNSAVABLE", "FieldError", "NotFound", "PermissionDenied", "StaleVersion", "ValidationFailed",
    "refuse_unsavable_text", "unsavable_text",
]  # fmt: skip


@dataclass(frozen=True)
class FieldError:
    field: str
    message: Any  # a lazy translation: rendered in the reader's language


class ValidationFailed(Exception):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: Any) -> ValidationFailed:
        return cls([FieldError(field, message)])

    def sentence(self) -> str:
        """The messages as one text for a page's message banner."""
        return " ".join(str(e.message) for e in self.errors)

    def as_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(str(e.message))
        return out


class StaleVersion(Exception):
    """Someone else saved this object since the editor loaded it (HTTP 409)."""

    def __init__(self, current_version: int, message: Any = None):
        super().__init__(
            str(
                message
                or _("This was changed by someone else since you opened it. Reload to see their change.")
            )
        )
        self.current_version = current_version


# What no database, page or spreadsheet here can hold: the control characters other than tab, line feed and
# carriage return (PostgreSQL refuses NUL, XML — so an XLSX file — all of them), and what is not a character at all.
UNSAVABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def unsavable_text(text: str) -> str | None:
    """Why ``text`` cannot be saved, in the reader's language, or None when it can."""
    found = UNSAVABLE.search(text)
    if found is None:
        return None
    return _(
        "This text holds an invisible control character (U+%(code)s, character %(at)s) that cannot be saved. "
        "Remove it and try again."
    ) % {"code": f"{ord(found.group()):04X}", "at": found.start() + 1}


def refuse_unsavable_text(values: Iterable[tuple[str, object]]) -> None:
    """Raises ValidationFailed naming each field whose text cannot be saved: every write reaches this
    (`TenantModel.save`, bulk writes, people and workspaces), whichever form, endpoint or file it came from."""
    errors = [
        FieldError(field, problem)
        for field, value in values
        if isinstance(value, str) and (problem := unsavable_text(value)) is not None
    ]
    if errors:
        raise ValidationFailed(errors)
