"""Shapes of the REST API for tenancy: errors, pages, people, teams and tokens (see `northstar/api.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# --- shared ---------------------------------------------------------------------------------------------------


class InputSchema(Schema):
    """Request bodies: unknown fields are an error, NaN and infinity are not numbers.

    Optional fields of PATCH bodies are typed without `None` (`name: str = None`): leaving a field out keeps its
    value, while sending `null` for a field that cannot be empty is a 422 naming that field.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    def changes(self) -> dict[str, object]:
        """The fields the client sent, without the `version` they were based on."""
        data = self.model_dump(exclude_unset=True)
        data.pop("version", None)
        return data


class FieldErrorOut(Schema):
    field: str = Field(description="The request field, e.g. `target` or `key_results[0].target`.")
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="A sentence for a person, in the language of the request.")
    errors: list[FieldErrorOut] = Field(default_factory=list)


class ConflictOut(ErrorOut):
    current_version: int = Field(
        description="The version the object has now; reload it and apply the change again."
    )


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=500, description="How many items to return (at most 500).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="How many items to skip (at most a billion).")


# --- people and workspaces ------------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    email: str
    name: str
    language: str


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str
    language: str
    check_in_cadence_days: int
    rollup_includes_aligned: bool


class MeOut(Schema):
    user: UserOut
    workspace: WorkspaceOut | None = Field(
        description="The workspace this request acts in (a token's own workspace)."
    )
    role: str | None
    teams: list[int]
    read_only: bool
    via_token: bool


class MemberOut(Schema):
    id: int = Field(description="The membership id.")
    user: int
    email: str
    name: str
    role: str
    teams: list[int]


class MemberPage(Schema):
    count: int
    items: list[MemberOut]


# --- teams ----------------------------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    key: str
    name: str
    parent: int | None
    version: int

    @staticmethod
    def resolve_parent(obj: object) -> int | None:
        return getattr(obj, "parent_id", None)


class TeamPage(Schema):
    count: int
    items: list[TeamOut]


class TeamIn(InputSchema):
    name: str
    parent: int | None = None
    key: str | None = Field(None, max_length=60)


class TeamPatch(InputSchema):
    version: int = Field(description="The version you last read; a different current version gives 409.")
    name: str = None  # type: ignore[assignment]
    parent: int | None = None


# --- API tokens -----------------------------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it.")
    read_only: bool
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="The token itself. It is shown only now; only its hash is stored.")


class TokenPage(Schema):
    count: int
    items: list[TokenOut]


class TokenIn(InputSchema):
    name: str
    expires_in_days: int | None = Field(
        90, description="Days until it expires (1 to 366), or null for never."
    )
    read_only: bool = False
    scope: Literal["", "kr_values"] = Field(
        "", description="Empty: the whole API; kr_values: only POST /key-results/{id}/values."
    )
