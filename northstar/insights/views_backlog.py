from django.http import HttpRequest, HttpResponse

from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import workspace_view


@workspace_view()
def backlog(request: HttpRequest, actor: Actor) -> HttpResponse:  # replaced by the ranked backlog page
    return HttpResponse("backlog")
