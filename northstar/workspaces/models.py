"""Tenancy: workspaces, people, roles, teams, API tokens and the audit log.

Every tenant-owned row carries `workspace`. Reads go through `TenantQuerySet.restrict(actor, action)`, the one
permission gate (see `permissions.py`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.workspaces import revisions
from northstar.workspaces.errors import refuse_unsavable_text

if TYPE_CHECKING:
    from northstar.workspaces.permissions import Actor


_text_fields: dict[type[models.Model], tuple[str, ...]] = {}


def texts_of(row: models.Model, only: Iterable[str] | None = None) -> list[tuple[str, object]]:
    """(field, value) of a row's text columns (those of ``only``, a save's update_fields, when given), for
    `refuse_unsavable_text`."""
    model = type(row)
    names = _text_fields.get(model)
    if names is None:
        names = _text_fields[model] = tuple(
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        )
    if only is not None:
        wanted = set(only)
        names = tuple(name for name in names if name in wanted)
    return [(name, getattr(row, name)) for name in names]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", help_text=_("Empty follows the browser.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_unsavable_text(texts_of(self, kwargs.get("update_fields")))
        super().save(*args, **kwargs)
        fields = set(kwargs.get("update_fields") or ())
        if fields != {"last_login"}:
            # a name or language shows on the pages of every workspace the user belongs to; a language on pages
            # alone (OKR trees hold codes and numbers; roadmaps, put in words as they are computed, are kept per
            # language)
            workspaces = list(Membership.objects.filter(user=self).values_list("workspace_id", flat=True))
            if not workspaces:
                return
            if fields == {"language"}:
                revisions.changed(workspaces, plan=False, key_results=frozenset())
                return
            # a name shows on OKR trees as the owner of objectives and key results alone: a kept tree reads the
            # objectives they own, or own key results of, again whole
            named = self.objectives_named()
            for workspace_id in workspaces:
                revisions.changed(
                    [workspace_id],
                    key_results=frozenset(),
                    reshaped=frozenset(),
                    reshaped_objectives=named.get(workspace_id, frozenset()),
                )

    def objectives_named(self) -> dict[int, frozenset[int]]:
        """The objectives this person owns, or owns a key result of, by workspace (two queries)."""
        from django.apps import apps  # the OKRs build on this app

        found: dict[int, set[int]] = {}
        for model, objective in (("Objective", "pk"), ("KeyResult", "objective_id")):
            rows = (
                apps.get_model("okrs", model)
                .objects.filter(owner=self)
                .values_list("workspace_id", objective)
            )
            for workspace_id, pk in rows:
                found.setdefault(workspace_id, set()).add(pk)
        return {workspace_id: frozenset(pks) for workspace_id, pks in found.items()}

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # what they owned loses its owner in every workspace they belonged to
        workspaces = list(Membership.objects.filter(user=self).values_list("workspace_id", flat=True))
        deleted = super().delete(*args, **kwargs)
        revisions.changed(workspaces)
        return deleted

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def initials(self) -> str:
        parts = self.display_name.split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Workspace(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    check_in_cadence_days = models.PositiveSmallIntegerField(
        _("check-in cadence (days)"),
        default=14,
        help_text=_("A key result with no check-in for longer than this is marked stale."),
    )
    rollup_includes_aligned = models.BooleanField(
        _("roll up aligned objectives"),
        default=False,
        help_text=_("Objective progress also counts the progress of the child objectives aligned to it."),
    )
    classic_score = models.CharField(
        _("classic prioritisation score"),
        max_length=8,
        choices=[("none", _("None")), ("rice", "RICE"), ("wsjf", "WSJF")],
        default="rice",
        help_text=_("Shown beside the strategic score and blended with it in the ranked backlog."),
    )
    orphan_threshold = models.FloatField(
        _("orphan work threshold"),
        default=0.15,
        help_text=_("Above this share of planned effort on work that serves no key result, northstar warns."),
    )
    grade_aspirational = models.FloatField(
        _("success score for aspirational objectives"),
        default=0.7,
        help_text=_("When a period closes, an aspirational objective scoring at least this is a success."),
    )
    grade_committed = models.FloatField(
        _("success score for committed objectives"),
        default=1.0,
        help_text=_("A committed objective succeeds only at this score."),
    )
    coach_disabled_rules = models.JSONField(
        _("coach rules switched off"),
        default=list,
        blank=True,
        help_text=_("Ids of the OKR coach's rules this workspace does not want to hear from."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Settings OKR trees are not built from (trees read the cadence and whether roll-ups count aligned
    # objectives): written alone, they leave the OKR revision and kept trees standing (revisions.py).
    okr_ignores = frozenset(
        {
            "name",
            "language",
            "orphan_threshold",
            "classic_score",
            "grade_aspirational",
            "grade_committed",
            "coach_disabled_rules",
        }
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_unsavable_text(texts_of(self, kwargs.get("update_fields")))
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) <= self.okr_ignores:
            revisions.changed([self.pk], okrs=False, key_results=frozenset())
        else:
            revisions.changed([self.pk])


class WorkspaceRevision(models.Model):
    """How many committed changes the workspace has seen (see revisions.py); remembered pages are keyed on it."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+")
    number = models.BigIntegerField(default=0)
    plan_number = models.BigIntegerField(default=0)  # moves only with what the roadmap is built from
    okr_number = models.BigIntegerField(default=0)  # moves only with what OKR trees are built from

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.number}"


class KeyResultChange(models.Model):
    """Which key results a committed change that left the OKRs standing may have moved — their latest values,
    their linked work, their words — and which objectives' words, by the workspace revision it made (see
    revisions.py): a kept OKR tree reads those alone again. A change to the OKRs that wrote key results' rows
    alone (one made, removed, moved to another objective) names them ``reshaped``: a tree kept before it reads
    them whole; one that wrote objectives' rows or alignments alone names the objectives, ``reshaped`` too. A
    row with ``everything`` stands for a change whose key results are not known (a bulk write, any other change
    to the OKRs): all of them."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    number = models.BigIntegerField()
    key_result_id = models.BigIntegerField(null=True)  # no foreign key: the log outlives what it names
    # an objective whose words changed, or with ``reshaped`` whose row or alignments were written (no key result)
    objective_id = models.BigIntegerField(null=True)
    everything = models.BooleanField(default=False)
    # the key result's (or objective's) row was written whole: made, removed, moved
    reshaped = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workspace", "number"], name="key_result_change_by_revision")]

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.number}"


class TenantQuerySet(models.QuerySet[Any]):
    """The one permission gate. Subclasses say who may do what; every read starts with `restrict`."""

    def in_workspace(self, workspace: Workspace | int) -> TenantQuerySet:
        return self.filter(workspace=workspace)

    def restrict(self, actor: Actor, action: str = "view") -> TenantQuerySet:
        from northstar.workspaces.permissions import restrict_queryset

        return restrict_queryset(self, actor, action)

    # Writes that bypass Model.save/delete still move the workspace's revision (see revisions.py).

    def update(self, **kwargs: Any) -> int:
        refuse_unsavable_text(kwargs.items())
        workspaces = self._workspaces_touched()
        count = super().update(**kwargs)
        if count:
            _changed(self.model, workspaces, kwargs)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        workspaces = self._workspaces_touched()
        reshapes = workspaces and getattr(self.model, "reshapes_objectives_alone", False)
        whole = self.model.objectives_reshaped_by(self) if reshapes else None
        deleted = super().delete()
        if deleted[0]:
            _reshaping(self.model, workspaces, whole)
        return deleted

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        for row in objs:
            refuse_unsavable_text(texts_of(row))
        made = super().bulk_create(objs, *args, **kwargs)
        whole = None
        if made and getattr(self.model, "reshapes_objectives_alone", False):
            whole = frozenset().union(*(o.objectives_reshaped() for o in made))
        _reshaping(self.model, {o.workspace_id for o in made}, whole)
        return made

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        for row in objs:
            refuse_unsavable_text(texts_of(row, fields))
        count = super().bulk_update(objs, fields, *args, **kwargs)
        _changed(self.model, {o.workspace_id for o in objs}, fields)
        return count

    def _workspaces_touched(self) -> set[int]:
        if not getattr(self.model, "shown_on_pages", True):
            return set()
        return set(self.order_by().values_list("workspace_id", flat=True).distinct())


def _reshaping(model: type[models.Model], workspace_ids: set[int], whole: frozenset[int] | None) -> None:
    """A bulk write of rows that, each, reshape objectives alone (``whole``: those objectives), or of others."""
    if whole is None:
        _changed(model, workspace_ids)
    else:
        _changed(
            model, workspace_ids, key_results=frozenset(), reshaped=frozenset(), reshaped_objectives=whole
        )


def _changed(
    model: type[models.Model],
    workspace_ids: set[int],
    fields: Iterable[str] | None = None,
    key_results: frozenset[int] | None = None,
    objectives: frozenset[int] = frozenset(),
    reshaped: frozenset[int] | None = None,
    okr_ignores: frozenset[str] | None = None,
    reshaped_objectives: frozenset[int] = frozenset(),
) -> None:
    """``fields``: the fields written, when known (None: any of them); ``key_results``: the key results whose latest
    values, linked work or words the write may have moved, when known (None: any of them); ``objectives``: the
    objectives whose words it may have moved; ``reshaped``: the key results whose rows, written whole, are all it
    changed of the OKRs (None: not known), with ``reshaped_objectives``, the objectives whose rows or alignments
    it wrote; ``okr_ignores``: the row's own (``TenantModel.okr_ignored``), for a
    write of one row."""
    if getattr(model, "trees_ignore", False):
        key_results = frozenset()
    if getattr(model, "shown_on_pages", True):
        ignored: frozenset[str] = getattr(model, "plan_ignores", frozenset())
        plan = not getattr(model, "outside_plan", False) and (fields is None or not set(fields) <= ignored)
        if okr_ignores is None:
            okr_ignores = getattr(model, "okr_ignores", frozenset())
        okrs = plan and not (
            getattr(model, "outside_okrs", False)
            or (fields is not None and "version" in fields and set(fields) <= okr_ignores)
        )
        revisions.changed(
            workspace_ids,
            plan=plan,
            okrs=okrs,
            key_results=key_results,
            objectives=objectives,
            reshaped=reshaped,
            reshaped_objectives=reshaped_objectives,
        )


class QuickRows:
    """For models read by the thousand (a whole OKR tree reads 80,000 key results, a roadmap 100,000 work items and
    200,000 dependencies): a row read whole is made without ``Model.__init__`` — its values go straight into the
    instance's ``__dict__``, where ``__init__`` would put them one assignment at a time through the foreign keys'
    descriptors, with two signals sent (a sixth of an enterprise tree's time after a change to the OKRs). Rows read
    in part (``only``, ``defer``), and models someone listens to the init signals of, are made the usual way."""

    _meta: Any

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, *, fetch_mode: Any = None) -> Any:
        attnames = _whole_row.get(cls)
        if attnames is None:
            attnames = _whole_row[cls] = tuple(field.attname for field in cls._meta.concrete_fields)
        if len(values) != len(attnames) or _listened_to(cls):
            return super().from_db(db, field_names, values, fetch_mode=fetch_mode)  # type: ignore[misc]
        new = cls.__new__(cls)
        new.__dict__.update(zip(attnames, values, strict=True))
        state = new._state = ModelState()  # type: ignore[attr-defined]
        state.adding = False
        state.db = db
        if fetch_mode is not None:
            state.fetch_mode = fetch_mode
        return new


_whole_row: dict[type, tuple[str, ...]] = {}


def _listened_to(model: type) -> bool:
    # asked for every row: the lists are looked at first (empty here), has_listeners only when they are not
    return bool(pre_init.receivers or post_init.receivers) and (
        pre_init.has_listeners(model) or post_init.has_listeners(model)
    )


class TenantModel(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )

    objects = TenantQuerySet.as_manager()
    # False for rows no page shows and that change on their own (a token's "last used"): they leave pages remembered.
    shown_on_pages = True
    # True for rows the roadmap is not built from (revisions.py): their changes leave computed roadmaps standing.
    outside_plan = False
    # True for rows OKR trees are not built from, whose changes leave kept OKR trees standing (revisions.py): the
    # roadmap's own rows, read only for linked work's dates and milestones (brought up to date), and people's places
    # in the workspace and its teams, which change a tree only through its viewer's own rights (``Actor.rights_key``,
    # part of every kept tree's key).
    outside_okrs = False
    # Fields that, written alone, leave the plan as it was (a key result's latest value).
    plan_ignores: frozenset[str] = frozenset()
    # Fields that, written alone with the row's version (which kept OKR trees compare), leave the OKRs as they were.
    okr_ignores: frozenset[str] = frozenset()
    # True for rows OKR trees never read (the audit log, reviews, webhooks): writes of any kind touch no key result.
    trees_ignore = False
    # True for rows whose every write, in bulk too, changes the OKRs only by reshaping objectives (alignments)
    reshapes_objectives_alone = False

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_unsavable_text(texts_of(self, kwargs.get("update_fields")))
        super().save(*args, **kwargs)
        _changed(
            type(self),
            {self.workspace_id},
            kwargs.get("update_fields"),
            self.key_results_touched(),
            self.objectives_touched(),
            self.key_results_reshaped(),
            self.okr_ignored(),
            self.objectives_reshaped(),
        )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        workspace_id = self.workspace_id
        touched = self.key_results_touched(deleting=True)  # before its links are gone
        reshaped = self.key_results_reshaped()  # before its id is
        whole = self.objectives_reshaped()
        deleted = super().delete(*args, **kwargs)
        _changed(
            type(self), {workspace_id}, key_results=touched, reshaped=reshaped, reshaped_objectives=whole
        )
        return deleted

    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        """The key results whose latest values or linked work writing (or deleting) this row may move, for a write
        that leaves the OKRs standing; None when not known."""
        return frozenset() if self.trees_ignore else None

    def objectives_touched(self) -> frozenset[int]:
        """The objectives whose words writing this row may move, for a write that leaves the OKRs standing."""
        return frozenset()

    def key_results_reshaped(self) -> frozenset[int] | None:
        """For a write (or deletion) of this row that changes the OKRs: the key results whose rows are all it
        changes of them, which a kept tree can read again whole; None when it changes more."""
        return None

    def objectives_reshaped(self) -> frozenset[int]:
        """With ``key_results_reshaped``: the objectives whose rows or alignments writing this row changes."""
        return frozenset()

    @classmethod
    def objectives_reshaped_by(cls, rows: models.QuerySet[Any]) -> frozenset[int] | None:
        """For models whose rows, each, change the OKRs only by reshaping objectives (``reshapes_objectives_alone``,
        ``objectives_reshaped``): those these rows reshape, read before they are deleted; None for other models."""
        return None

    def okr_ignored(self) -> frozenset[str]:
        """The fields that, written alone with the version, leave the OKRs as they were — for this row as it is
        now (``okr_ignores``, or more)."""
        return self.okr_ignores


class Membership(TenantModel):
    outside_okrs = True  # a role shows on no tree: the member's own trees are kept under their rights
    trees_ignore = True
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace_id} ({self.role})"


class Team(TenantModel):
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent team"),
    )
    members = models.ManyToManyField(User, through="TeamMember", related_name="teams", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="unique_team_key")]

    def __str__(self) -> str:
        return self.name

    # A team's row (its name, key, parent) shows on OKR trees only as its objectives' team and in the order of the
    # tree's teams, which every tree reads again: a kept tree reads this team's objectives again whole
    # (revisions.py), and those of teams below it keep their views, in their new place. A new or removed team has
    # no objectives. Bulk writes of teams are not known row by row: kept trees read everything again.
    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        return frozenset()

    def key_results_reshaped(self) -> frozenset[int] | None:
        return frozenset()

    def objectives_reshaped(self) -> frozenset[int]:
        if self.pk is None:
            return frozenset()
        return frozenset(self.objectives.values_list("pk", flat=True))  # type: ignore[attr-defined]


class TeamMember(TenantModel):
    outside_okrs = True  # as memberships: a place in a team shows on no tree but the member's own
    trees_ignore = True
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_member")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class Invitation(TenantModel):
    outside_okrs = True
    trees_ignore = True
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TenantModel):
    """A bearer token for scripts. Only its SHA-256 is stored; the raw value is shown once at creation."""

    shown_on_pages = False  # "last used" is written as tokens are used; no remembered page shows tokens

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("read only"), default=False)
    scope = models.CharField(
        _("use"),
        max_length=20,
        blank=True,
        default="",
        help_text=_("Empty: the whole API. “kr_values”: only posting values to key results."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: Any) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEntry(TenantModel):
    """Who changed what, when, with the values before and after."""

    outside_plan = True
    trees_ignore = True
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20)  # create / update / delete / check_in / ...
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # The objective an entry concerns (objective, its key results, their check-ins), kept as a plain id so the
    # history outlives the row and private objectives' history stays private.
    objective_ref = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["workspace", "object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        before, after = self.before or {}, self.after or {}
        return [(key, before.get(key), after.get(key)) for key in sorted(set(before) | set(after))]


class FailedSignIn(models.Model):
    """A failed sign-in, kept for a day: too many for one email or one address in a while lock sign-in there."""

    email = models.CharField(max_length=254)  # found through the (email, at) index
    ip = models.CharField(max_length=45, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["email", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.at:%Y-%m-%d %H:%M}"
