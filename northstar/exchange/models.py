from django.db import models
from django.utils.translation import gettext_lazy as _

from northstar.workspaces.models import Team, TenantModel, User


class PendingImport(TenantModel):
    """An uploaded file between its preview and its confirmation (the preview writes nothing)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    team = models.ForeignKey(  # for a Jira export: the team of the issues that name none of this workspace's
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.filename
