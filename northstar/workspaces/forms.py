"""Forms for the account and workspace pages. They only parse and check shapes; the actions decide the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import Role, Workspace


def apply_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """Put the errors an action raised next to the fields they concern (or above the form)."""
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))


def role_choices(actor_role: str | None) -> list[tuple[str, Any]]:
    """Only owners may hand out the owner role."""
    return [
        (value, label) for value, label in Role.choices if value != Role.OWNER or actor_role == Role.OWNER
    ]


def tree_choices(rows: Iterable[Any], *, empty_label: Any) -> list[tuple[str, str]]:
    """Choices for a parent select from tree rows (objects with .obj and .depth), indented by depth."""
    choices: list[tuple[str, str]] = [("", str(empty_label))]
    for row in rows:
        choices.append((str(row.obj.pk), "\u2003" * row.depth + str(row.obj)))
    return choices


class EmailAuthenticationForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "username"}
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        """Sign-in with a limit: after too many failures for an email (or from one address) in a while, even the
        right password is refused until the while has passed — a guessing script gets nowhere."""
        from northstar.workspaces import signin_limits

        email = (self.data.get("username") or "").strip().lower()
        ip = signin_limits.client_ip(self.request)
        wait = signin_limits.locked_for(email, ip)
        if wait:
            raise forms.ValidationError(
                _("Too many failed sign-ins. Try again in %(minutes)s minutes.") % {"minutes": wait},
                code="locked",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            signin_limits.failed(email, ip)
            raise
        signin_limits.succeeded(email)
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(label=_("Workspace name"), max_length=120)
    check_in_cadence_days = forms.IntegerField(
        label=_("Check-in cadence (days)"),
        min_value=1,
        max_value=365,
        help_text=_("A key result with no check-in for longer than this is marked stale."),
    )
    rollup_includes_aligned = forms.BooleanField(
        label=_("Roll up aligned objectives"),
        required=False,
        help_text=_("Objective progress also counts the progress of the child objectives aligned to it."),
    )
    orphan_percent = forms.IntegerField(
        label=_("Orphan work threshold (%)"),
        min_value=0,
        max_value=100,
        initial=15,
        help_text=_("Warn when more than this share of a team's planned effort serves no key result."),
    )
    grade_aspirational = forms.FloatField(
        label=_("Success score for aspirational objectives"),
        required=False,
        min_value=0,
        max_value=1,
        initial=0.7,
        help_text=_(
            "When a period closes, an aspirational objective scoring at least this is a success (0 to 1)."
        ),
    )
    grade_committed = forms.FloatField(
        label=_("Success score for committed objectives"),
        required=False,
        min_value=0,
        max_value=1,
        initial=1.0,
        help_text=_("A committed objective succeeds only at this score (0 to 1)."),
    )
    classic_score = forms.ChoiceField(
        label=_("Classic prioritisation score"),
        required=False,
        choices=Workspace._meta.get_field("classic_score").choices,
        help_text=_("Shown beside the strategic score and blended with it in the ranked backlog."),
    )
    language = forms.ChoiceField(
        label=_("Workspace language"),
        choices=settings.LANGUAGES,
        help_text=_("Used for emails to people who have not chosen a language yet."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("classic_score"):  # left out (a script, an older form): keep the current choice
            data.pop("classic_score", None)
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("We send them a link to join. It is valid for 14 days."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args: Any, actor_role: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(actor_role)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptAsNewUserForm(forms.Form):
    """A new person sets their name and password while accepting an invitation."""

    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only numbers and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            from northstar.workspaces.models import User

            try:
                password_validation.validate_password(p1, User(email=self.email, name=data.get("name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class AcceptAsExistingUserForm(forms.Form):
    """Someone with an account signs in and accepts in one step."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Name it after the script that will use it, e.g. “Nightly metrics push”."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=366,
        initial=90,
        help_text=_("From 1 to 366 days. Leave empty for a token that never expires."),
    )
    read_only = forms.BooleanField(
        label=_("Read only"),
        required=False,
        help_text=_("The token can read but not change anything."),
    )
    scope = forms.ChoiceField(
        label=_("Use"),
        required=False,
        choices=[("", _("The whole API")), ("kr_values", _("Only posting key result values"))],
        help_text=_("A token for a data feed should only post values."),
    )


def with_query(url: str, **params: Any) -> str:
    """``url`` with ``params`` added to its query string (``url`` itself without any)."""
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def search_box(
    css_class: str,
    field_id: str,
    label: str,
    url: str,
    *,
    target: str,
    include: str = "",
    placeholder: str,
) -> SafeString:
    """A pick field's search box: what is typed goes to ``url`` as ``?q=`` (with the inputs inside ``include``)
    and the answer replaces what is inside ``target``. It is outside the form's data: its ``form`` attribute
    names no form."""
    return format_html(
        '<input type="search" class="{}" name="q" form="{}-find" autocomplete="off" aria-label="{}" '
        'placeholder="{}" aria-controls="{}" hx-get="{}"{} hx-trigger="input changed delay:250ms, search" '
        'hx-target="#{}" hx-swap="innerHTML" hx-sync="this:replace">',
        css_class,
        field_id,
        label,
        placeholder,
        target,
        url,
        format_html(' hx-include="#{}"', include) if include else "",
        target,
    )


class _Searched(forms.Widget):
    """A pick widget's search address, and the id its rendered input has."""

    def __init__(self, *args: Any, search_url: str = "", by_name: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_url = search_url
        self.by_name = by_name  # found by name (teams, people), not by title

    def rendered_id(self, name: str, attrs: dict[str, Any] | None) -> str:
        return str((attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}")

    def placeholder(self) -> str:
        return _("Type to find by name…") if self.by_name else _("Type to find by title…")


class SearchSelect(_Searched, forms.Select):
    """A select that holds a few choices (the chosen one and the first others), with a search box above it that
    asks ``search_url`` for the choices whose title holds what is typed (HTMX swaps the select's options): a
    workspace of 100,000 work items does not send them all with every form. Without ``search_url``, a plain
    select of the choices it holds (all of them)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        select = super().render(name, value, attrs, renderer)
        if not self.search_url:
            return select
        select_id = self.rendered_id(name, attrs)
        label = _("Find by name") if self.by_name else _("Find by title")
        find = search_box(
            "search-select-find",
            select_id,
            label,
            self.search_url,
            target=select_id,
            placeholder=self.placeholder(),
        )
        return format_html('<div class="search-select">{}{}</div>', find, select)


class PickField(forms.TypedChoiceField):
    """One of many rows (work items, key results). Its select shows a few of them (``SearchSelect``); any row that
    ``exists`` accepts is a valid answer, shown or not — one query, not a list of every row."""

    widget = SearchSelect

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, coerce=int, **kwargs)
        self.exists: Callable[[int], bool] = lambda _pk: False

    def valid_value(self, value: Any) -> bool:
        try:
            return self.exists(int(value))
        except (TypeError, ValueError):
            return False


class MultiPick(_Searched, forms.CheckboxSelectMultiple):
    """Several of many rows (the objectives one aligns to): the chosen ones as ticked boxes, and a search box
    that asks ``search_url`` for the rows whose title holds what is typed, each with a button that adds it to
    the ticked ones (HTMX; the search leaves out those already ticked). Untick a box to drop its row."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        chosen = super().render(name, value, attrs, renderer)
        box_id = self.rendered_id(name, attrs)
        if not self.search_url:
            return chosen
        url = with_query(self.search_url, into=box_id, name=name)
        find = search_box(
            "multi-pick-find",
            box_id,
            _("Find by name to add") if self.by_name else _("Find by title to add"),
            url,
            target=f"{box_id}-found",
            include=box_id,
            placeholder=self.placeholder(),
        )
        found = format_html('<div class="multi-pick-found" id="{}-found" aria-live="polite"></div>', box_id)
        return format_html('<div class="multi-pick">{}{}{}</div>', chosen, find, found)


class MultiPickField(forms.TypedMultipleChoiceField):
    """Several of many rows: its boxes show the rows chosen (``MultiPick``); any rows that ``existing`` finds
    are valid answers, shown or not — one query for them all. The same row twice counts once."""

    widget = MultiPick

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, coerce=int, **kwargs)
        self.existing: Callable[[set[int]], set[int]] = lambda _pks: set()

    def clean(self, value: Any) -> Any:
        return list(dict.fromkeys(super().clean(value)))

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        numbers = set()
        for raw in value:
            try:
                numbers.add(int(raw))
            except (TypeError, ValueError):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": raw}
                ) from None
        missing = sorted(numbers - self.existing(numbers))
        if missing:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": missing[0]}
            )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = PickField(
        label=_("Parent team"),
        required=False,
        empty_value=None,
        help_text=_("Teams form a tree; the company sits at the root."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        """``parents``: the roadmap's TeamPicker of the teams it may sit under."""
        super().__init__(*args, **kwargs)
        parents.attach(self["parent"])


class TeamMembersForm(forms.Form):
    members = MultiPickField(
        label=_("People in this team"),
        required=False,
        help_text=_("Members of a team can plan OKRs for it and its sub-teams."),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        """``people``: the roadmap's PersonPicker of the workspace's members."""
        super().__init__(*args, **kwargs)
        people.attach_many(self["members"])
