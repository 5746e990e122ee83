"""Errors that actions raise and that pages, the API and the CLI turn into messages a person understands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from northstar.workspaces.permissions import NotFound, PermissionDenied

__all__ = ["FieldError", "NotFound", "PermissionDenied", "StaleVersion", "ValidationFailed"]


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
