from django.urls import include, path

from northstar.api import api

urlpatterns = [
    path("", include("northstar.workspaces.urls")),
    path("", include("northstar.okrs.urls")),
    path("", include("northstar.roadmap.urls")),
    path("", include("northstar.insights.urls")),
    path("", include("northstar.coach.urls")),
    path("", include("northstar.exchange.urls")),
    path("", include("northstar.integrations.urls")),
    path("api/v1/", api.urls),
]
