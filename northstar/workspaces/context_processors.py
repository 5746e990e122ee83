from typing import Any

from django.http import HttpRequest

from northstar.workspaces.middleware import member_workspaces, request_actor


def workspace(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    actor = request_actor(request)
    return {
        "actor": actor,
        "workspace": actor.workspace if actor else None,
        "my_workspaces": list(member_workspaces(request.user).order_by("name")),  # type: ignore[attr-defined]
    }
