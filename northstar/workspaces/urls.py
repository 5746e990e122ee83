from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by the workspaces pages
    return HttpResponse("todo")


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", _todo, name="password-change"),
    path("language/", _todo, name="language"),
    path("workspace/switch/", _todo, name="workspace-switch"),
    path("settings/", _todo, name="workspace-settings"),
    path("settings/members/", _todo, name="members"),
    path("settings/teams/", _todo, name="teams"),
    path("settings/tokens/", _todo, name="tokens"),
]
