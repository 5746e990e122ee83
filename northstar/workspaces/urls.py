from django.urls import path

from northstar.workspaces import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("language/", views.language, name="language"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("workspace/switch/", views.workspace_switch, name="workspace-switch"),
    path("settings/", views.workspace_settings, name="workspace-settings"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/invite/", views.member_invite, name="member-invite"),
    path("settings/members/<int:pk>/role/", views.member_role, name="member-role"),
    path("settings/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("settings/teams/", views.teams, name="teams"),
    path("settings/teams/new/", views.team_create, name="team-create"),
    path("settings/teams/<int:pk>/", views.team_detail, name="team"),
    path("settings/teams/<int:pk>/members/", views.team_members, name="team-members"),
    path("settings/teams/<int:pk>/delete/", views.team_delete, name="team-delete"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
