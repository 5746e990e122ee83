"""Account and workspace-administration pages: thin function views over `actions`.

Every read goes through `restrict(actor, …)` / `access(…)`; every write through an action. `workspace_view`
turns the permission gate's exceptions into pages: NotFound → 404, PermissionDenied → 403 with a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from northstar.workspaces import actions as ws_actions
from northstar.workspaces import audit
from northstar.workspaces.errors import StaleVersion, ValidationFailed
from northstar.workspaces.forms import (
    AcceptAsExistingUserForm,
    AcceptAsNewUserForm,
    ApiTokenForm,
    EmailAuthenticationForm,
    InviteForm,
    LanguageForm,
    RoleForm,
    TeamForm,
    TeamMembersForm,
    WorkspaceSettingsForm,
    apply_errors,
    role_choices,
)
from northstar.workspaces.middleware import SESSION_WORKSPACE, member_workspaces
from northstar.workspaces.models import ApiToken, Invitation, Membership, Role, Team, TeamMember, User
from northstar.workspaces.permissions import Actor, PermissionDenied, access
from northstar.workspaces.queries import TreeRow, build_tree
from northstar.workspaces.web import query_without_page, requested_page, workspace_view

MEMBERS_PAGE_SIZE = 100  # members a page lists, by name
TEAMS_PAGE_SIZE = 100  # teams a page of the team tree lists, in tree order (2,000 at enterprise scale)

# Same validity as `actions.accept_invitation`, which has the final word.
INVITATION_VALID_FOR = dt.timedelta(days=14)

View = Callable[..., HttpResponse]


def safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def error_text(exc: ValidationFailed) -> str:
    return exc.sentence()


# --- signing in and out, password, language ---------------------------------------------------------------------


login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html",
    authentication_form=EmailAuthenticationForm,
    redirect_authenticated_user=True,
)
logout_view = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password-change")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


password_change = PasswordChangeView.as_view()


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: saved on the user when signed in, and in Django's language cookie."""
    response = HttpResponseRedirect(safe_next(request, reverse("dashboard")))
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered languages."))
        return response
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        ws_actions.set_language(request.user, code)  # type: ignore[arg-type]
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_POST
@login_required
def workspace_switch(request: HttpRequest) -> HttpResponse:
    """Only to a workspace the user is a member of; anything else looks like a missing workspace (404)."""
    try:
        wanted = int(request.POST.get("workspace", ""))
    except ValueError as exc:
        raise Http404 from exc
    workspace = member_workspaces(request.user).filter(pk=wanted).first()  # type: ignore[attr-defined]
    if workspace is None:
        raise Http404
    request.session[SESSION_WORKSPACE] = workspace.pk
    messages.success(request, _("You are now in %(workspace)s.") % {"workspace": workspace.name})
    # Object pages of the old workspace would 404 in the new one, so only an explicit `next` is followed.
    return redirect(safe_next(request, reverse("dashboard")))


# --- invitations ------------------------------------------------------------------------------------------------


def _open_invitation(token: str) -> Invitation | None:
    # No actor yet: the unguessable token is the credential, so this one read is by token, not `restrict`.
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token=token, accepted_at__isnull=True, created_at__gte=timezone.now() - INVITATION_VALID_FOR)
        .first()
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _open_invitation(token)
    if invitation is None:
        return render(request, "workspaces/invitation.html", {"invalid": True}, status=404)
    user = request.user if request.user.is_authenticated else None
    existing = user or User.objects.filter(email=invitation.email).first()
    context: dict[str, Any] = {"invitation": invitation, "role_label": Role(invitation.role).label}
    if user is not None and user.email != invitation.email:
        context["wrong_user"] = True
        return render(request, "workspaces/invitation.html", context, status=403)
    form: Any = None
    if user is None and existing is not None:
        form = AcceptAsExistingUserForm(request.POST or None)
    elif user is None:
        form = AcceptAsNewUserForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        try:
            membership = None
            if user is not None:
                membership = ws_actions.accept_invitation(token, user=user)  # type: ignore[arg-type]
            elif isinstance(form, AcceptAsExistingUserForm) and form.is_valid():
                signed_in = authenticate(
                    request, email=invitation.email, password=form.cleaned_data["password"]
                )
                if signed_in is None:
                    form.add_error("password", _("That password is not right."))
                else:
                    membership = ws_actions.accept_invitation(token, user=signed_in)  # type: ignore[arg-type]
                    login(request, signed_in)
            elif isinstance(form, AcceptAsNewUserForm) and form.is_valid():
                membership = ws_actions.accept_invitation(
                    token, user=None, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationFailed as exc:
            if "token" in exc.as_dict():
                return render(request, "workspaces/invitation.html", {"invalid": True}, status=404)
            if form is not None:
                apply_errors(form, exc)
            else:
                context["error"] = error_text(exc)
        else:
            if membership is not None:
                request.session[SESSION_WORKSPACE] = membership.workspace_id
                messages.success(
                    request, _("Welcome to %(workspace)s.") % {"workspace": invitation.workspace.name}
                )
                return redirect("dashboard")
    context.update({"form": form, "existing": existing is not None})
    return render(request, "workspaces/invitation.html", context)


# --- workspace settings -----------------------------------------------------------------------------------------


@workspace_view("admin")
def workspace_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    workspace = actor.workspace
    if request.method == "POST":
        form = WorkspaceSettingsForm(request.POST)
        if form.is_valid():
            try:
                values = dict(form.cleaned_data)
                values["orphan_threshold"] = values.pop("orphan_percent") / 100
                for field in ("grade_aspirational", "grade_committed"):
                    if values.get(field) is None:
                        values.pop(field, None)  # left empty: the scale stays as it was
                ws_actions.update_workspace(actor, **values)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("workspace-settings")
    else:
        form = WorkspaceSettingsForm(
            initial={
                "name": workspace.name,
                "check_in_cadence_days": workspace.check_in_cadence_days,
                "rollup_includes_aligned": workspace.rollup_includes_aligned,
                "orphan_percent": round(workspace.orphan_threshold * 100),
                "classic_score": workspace.classic_score,
                "grade_aspirational": workspace.grade_aspirational,
                "grade_committed": workspace.grade_committed,
                "language": workspace.language,
            }
        )
    entries = audit.history(actor, "workspace", workspace.pk)
    return render(request, "workspaces/settings.html", {"form": form, "entries": entries})


# --- members ----------------------------------------------------------------------------------------------------


def _memberships(actor: Actor) -> QuerySet[Membership]:
    """Members with their teams in this workspace, in three queries however many there are."""
    teams = Prefetch(
        "user__team_memberships",
        queryset=TeamMember.objects.restrict(actor).select_related("team").order_by("team__name"),
        to_attr="workspace_teams",
    )
    return (  # type: ignore[no-any-return]
        Membership.objects.restrict(actor)
        .select_related("user")
        .prefetch_related(teams)
        .order_by("user__name", "user__email")
    )


def _row_context(actor: Actor, membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"m": membership, "role_choices": role_choices(actor.role), **extra}


def _render_members(request: HttpRequest, actor: Actor, invite_form: InviteForm) -> HttpResponse:
    invitations: list[Invitation] = []
    if actor.is_admin:
        invitations = list(
            Invitation.objects.restrict(actor)
            .filter(accepted_at__isnull=True)
            .select_related("invited_by")
            .order_by("-created_at")
        )
        expired_before = timezone.now() - INVITATION_VALID_FOR
        for invitation in invitations:
            invitation.expired = invitation.created_at < expired_before  # type: ignore[attr-defined]
    page = requested_page(request, _memberships(actor), MEMBERS_PAGE_SIZE)
    context = {
        "memberships": list(page.object_list),
        "page": page,
        "page_base": query_without_page(request),
        "invitations": invitations,
        "invite_form": invite_form,
        "role_choices": role_choices(actor.role),
    }
    return render(request, "workspaces/members.html", context)


@workspace_view()
def members(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _render_members(request, actor, InviteForm(actor_role=actor.role))


@require_POST
@workspace_view("admin")
def member_invite(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = InviteForm(request.POST, actor_role=actor.role)
    if form.is_valid():
        try:
            invitation = ws_actions.invite_member(
                actor,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("members")
    return _render_members(request, actor, form)


@require_POST
@workspace_view("admin")
def member_role(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Change a member's role. HTMX gets the re-rendered row (with any error in it), others a redirect."""
    form = RoleForm(request.POST)
    error, saved = "", False
    if not form.is_valid():
        error = str(_("Choose owner, admin, editor or viewer."))
    else:
        try:
            ws_actions.change_role(actor, pk, form.cleaned_data["role"])
        except ValidationFailed as exc:
            error = error_text(exc)
        except PermissionDenied as exc:
            if not request.htmx:  # type: ignore[attr-defined]
                raise
            error = str(exc) or str(_("You may not change this role."))
        else:
            saved = True
    if request.htmx:  # type: ignore[attr-defined]
        membership = access(_memberships(actor), actor, pk)
        context = _row_context(actor, membership, row_error=error, row_saved=saved)
        return render(request, "workspaces/members.html#member_row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Role changed."))
    return redirect("members")


@require_POST
@workspace_view("admin")
def member_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    membership = access(Membership.objects.select_related("user"), actor, pk)
    try:
        ws_actions.remove_member(actor, pk)
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, _("%(name)s was removed from the workspace.") % {"name": membership.user.display_name}
        )
    return redirect("members")


# --- teams ------------------------------------------------------------------------------------------------------


def _team_rows(actor: Actor) -> list[TreeRow]:
    """The team tree, in one query however many teams there are."""
    return build_tree(Team.objects.restrict(actor).order_by("name"))


def _with_members(actor: Actor, teams: list[Team]) -> None:
    """Each of ``teams`` with its members by name (``member_rows``), in one query."""
    by_team: dict[int, list[TeamMember]] = {team.pk: [] for team in teams}
    members = TeamMember.objects.restrict(actor).filter(team_id__in=by_team).select_related("user")
    for member in members.order_by("user__name", "user__email"):
        by_team[member.team_id].append(member)
    for team in teams:
        team.member_rows = by_team[team.pk]  # type: ignore[attr-defined]


def _teams_page(
    request: HttpRequest, actor: Actor, rows: list[TreeRow], form: TeamForm, **extra: Any
) -> HttpResponse:
    page = requested_page(request, rows, TEAMS_PAGE_SIZE)
    _with_members(actor, [row.obj for row in page])
    context = {"rows": page, "team_count": len(rows), "page_base": query_without_page(request), "form": form}
    return render(request, "workspaces/teams.html", context | extra)


def _parents(actor: Actor, exclude: int | None = None) -> Any:
    """The teams a team may sit under (but itself): the roadmap's pick field, as the other team fields have."""
    from northstar.roadmap.pickers import TeamPicker  # the pick fields live with the roadmap's

    return TeamPicker(actor, "top-level", frozenset() if exclude is None else frozenset({exclude}))


def _people(actor: Actor) -> Any:
    from northstar.roadmap.pickers import PersonPicker

    return PersonPicker(actor)


@workspace_view()
def teams(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = _team_rows(actor)
    return _teams_page(request, actor, rows, TeamForm(parents=_parents(actor)))


@require_POST
@workspace_view("admin")
def team_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = _team_rows(actor)
    form = TeamForm(request.POST, parents=_parents(actor))
    if form.is_valid():
        try:
            team = ws_actions.create_team(
                actor, name=form.cleaned_data["name"], parent=form.cleaned_data["parent"]
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("teams")
    return _teams_page(request, actor, rows, form, show_form=True)


def _render_team(
    request: HttpRequest,
    actor: Actor,
    team: Team,
    *,
    form: TeamForm | None = None,
    members_form: TeamMembersForm | None = None,
    delete_error: str = "",
) -> HttpResponse:
    rows = _team_rows(actor)
    this = next(row for row in rows if row.obj.pk == team.pk)
    _with_members(actor, [this.obj])
    if form is None:
        form = TeamForm(
            initial={"name": team.name, "parent": team.parent_id, "version": team.version},
            parents=_parents(actor, team.pk),
        )
    if members_form is None:
        members_form = TeamMembersForm(
            initial={"members": [tm.user_id for tm in this.obj.member_rows]},
            people=_people(actor),
        )
    context = {
        "team": this.obj,
        "parent": next((r.obj for r in rows if r.obj.pk == team.parent_id), None),
        "children": [r.obj for r in rows if r.obj.parent_id == team.pk],
        "form": form,
        "members_form": members_form,
        "delete_error": delete_error,
        "entries": audit.history(actor, "team", team.pk),
    }
    return render(request, "workspaces/team.html", context)


@workspace_view()
def team_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    team = access(Team.objects, actor, pk)
    if request.method != "POST":
        return _render_team(request, actor, team)
    actor.require("admin")
    form = TeamForm(request.POST, parents=_parents(actor, team.pk))
    if form.is_valid():
        try:
            ws_actions.update_team(
                actor,
                team.pk,
                expected_version=form.cleaned_data["version"],
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Team saved."))
            return redirect("team", pk=team.pk)
    return _render_team(request, actor, team, form=form)


@require_POST
@workspace_view("admin")
def team_members(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    team = access(Team.objects, actor, pk)
    form = TeamMembersForm(request.POST, people=_people(actor))
    if form.is_valid():
        try:
            ws_actions.set_team_members(actor, team.pk, form.cleaned_data["members"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Members of %(name)s saved.") % {"name": team.name})
            return redirect("team", pk=team.pk)
    return _render_team(request, actor, team, members_form=form)


@require_POST
@workspace_view("admin")
def team_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    team = access(Team.objects, actor, pk)
    try:
        ws_actions.delete_team(actor, team.pk)
    except ValidationFailed as exc:
        return _render_team(request, actor, team, delete_error=error_text(exc))
    messages.success(request, _("Team %(name)s deleted.") % {"name": team.name})
    return redirect("teams")


# --- API tokens -------------------------------------------------------------------------------------------------


@workspace_view()
def tokens(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Your own tokens. A new token's secret is in this one response only (no redirect, not cached)."""
    new_token, secret = None, ""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                new_token, secret = ws_actions.create_api_token(
                    actor,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                    read_only=form.cleaned_data["read_only"],
                    scope=form.cleaned_data.get("scope") or "",
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    now = timezone.now()
    mine = list(ApiToken.objects.restrict(actor).filter(user=actor.user).order_by("-created_at", "-id"))
    for token in mine:
        token.expired = token.expires_at is not None and token.expires_at <= now  # type: ignore[attr-defined]
    context = {"tokens": mine, "form": form, "new_token": new_token, "secret": secret}
    response = render(request, "workspaces/tokens.html", context)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@workspace_view()
def token_revoke(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    token = ws_actions.revoke_api_token(actor, pk)
    messages.success(
        request, _("Token %(name)s revoked; scripts using it stop working now.") % {"name": token.name}
    )
    return redirect("tokens")
