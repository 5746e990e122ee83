"""Writes of the coach: which rules a workspace has switched off (admins, audited, through the workspace's
own update action)."""

from __future__ import annotations

from collections.abc import Sequence

from northstar.workspaces import actions as workspace_actions
from northstar.workspaces.permissions import Actor


def set_disabled_rules(actor: Actor, rule_ids: Sequence[str]) -> list[str]:
    workspace = workspace_actions.update_workspace(actor, coach_disabled_rules=list(rule_ids))
    actor.workspace.coach_disabled_rules = workspace.coach_disabled_rules
    return list(workspace.coach_disabled_rules)
