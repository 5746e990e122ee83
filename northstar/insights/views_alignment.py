from django.http import HttpRequest, HttpResponse

from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import workspace_view


@workspace_view()
def alignment_map(request: HttpRequest, actor: Actor) -> HttpResponse:  # replaced by the alignment map page
    return HttpResponse("alignment")
