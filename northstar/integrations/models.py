from django.db import models
from django.utils.translation import gettext_lazy as _

from northstar.okrs.models import CheckIn, KeyResult
from northstar.workspaces.models import TenantModel, User


class Webhook(TenantModel):
    """An address that hears about events in the workspace, signed with its own secret."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("address"), max_length=500)
    secret = models.CharField(_("secret"), max_length=80)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(TenantModel):
    outside_plan = True
    trees_ignore = True
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=60)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook_id}"


class InboundValue(TenantModel):
    """A value posted for a key result with an idempotency key: the same key twice records one check-in."""

    outside_plan = True
    trees_ignore = True
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(_("idempotency key"), max_length=120)
    check_in = models.ForeignKey(CheckIn, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "idempotency_key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class SourceKind(models.TextChoices):
    HTTP_JSON = "http_json", _("HTTP JSON endpoint")
    SQL = "sql", _("SQL query")
    DONE_SHARE = "done_share", _("Share of linked work done (%)")
    DONE_COUNT = "done_count", _("Linked work items done")


class LiveSource(TenantModel):
    """Where a key result's value comes from, refreshed on a schedule and on demand."""

    key_result = models.OneToOneField(KeyResult, on_delete=models.CASCADE, related_name="live_source")
    kind = models.CharField(_("kind"), max_length=12, choices=SourceKind.choices)
    url = models.URLField(_("address"), max_length=500, blank=True)
    json_path = models.CharField(_("JSON path"), max_length=200, blank=True)
    query = models.TextField(_("SQL query"), blank=True)
    every_minutes = models.PositiveIntegerField(_("refresh every (minutes)"), default=60)
    last_refreshed_at = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    last_value = models.FloatField(_("last value"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("live data source")
        verbose_name_plural = _("live data sources")

    def __str__(self) -> str:
        return f"{self.kind} → {self.key_result_id}"
