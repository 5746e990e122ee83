from django.db import models
from django.utils.translation import gettext_lazy as _

from northstar.workspaces.models import Team, TenantModel, User


class ImportState(models.TextChoices):
    """Where an upload that the worker checks and imports stands (`uploads.in_background`)."""

    INLINE = "", _("checked at once")
    CHECKING = "checking", _("being checked")
    CHECKED = "checked", _("checked")
    IMPORTING = "importing", _("being imported")
    IMPORTED = "imported", _("imported")
    FAILED = "failed", _("failed")


class UploadPurpose(models.TextChoices):
    IMPORT = "import", _("import")
    RESTORE = (
        "restore",
        _("backup restore"),
    )  # into a new workspace: only large backups wait here, for the worker


class PendingImport(TenantModel):
    """An uploaded file between its preview and its confirmation (the preview writes nothing). A large file is
    checked and imported by the worker: its state says where it stands, its outcome what the check or the import
    found (in the uploader's language). A large backup waits here too, for the worker to restore it into a new
    workspace (``purpose``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    team = models.ForeignKey(  # for a Jira export: the team of the issues that name none of this workspace's
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=12, choices=ImportState.choices, default="", blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    purpose = models.CharField(
        _("purpose"), max_length=8, choices=UploadPurpose.choices, default=UploadPurpose.IMPORT
    )

    shown_on_pages = False  # only its own preview shows it, read afresh: no remembered page is built from it

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.filename
