"""Pages for import (upload → preview → confirm), export, templates, and the workspace's backup."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from northstar.exchange import uploads
from northstar.exchange.backup import backup_text
from northstar.exchange.downloads import FORMATS, download, export_file, template_file
from northstar.exchange.importer import SECTION_LABELS, ImportReport
from northstar.exchange.models import ImportState, UploadPurpose
from northstar.exchange.tables import RowError
from northstar.roadmap.pickers import TeamPicker
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import int_param, workspace_view


def _context(actor: Actor, **extra: object) -> dict[str, object]:
    return {
        "can_import": actor.can_edit,
        "can_backup": actor.is_admin,
        "team_picker": TeamPicker(actor, "dash").render("team", "import-team", None)
        if actor.can_edit
        else "",
        "in_background": uploads.background_uploads(actor) if actor.can_edit else [],
        "import_at_once": settings.NORTHSTAR_IMPORT_AT_ONCE_BYTES,
        **extra,
    }


@workspace_view()
def exchange_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "exchange/index.html", _context(actor))


@workspace_view("editor")
@require_POST
def upload(request: HttpRequest, actor: Actor) -> HttpResponse:
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file to import."))
        return HttpResponseRedirect(reverse("exchange"))
    preview = uploads.preview_upload(
        actor, file.name or "upload", file.read(), default_team=int_param(request.POST.get("team"))
    )
    if preview.pending.state == ImportState.CHECKING:
        return HttpResponseRedirect(reverse("exchange-state", args=[preview.pending.pk]))
    return _preview_page(
        request, preview.pending.pk, preview.pending.filename, preview.report, preview.problems
    )


def _preview_page(
    request: HttpRequest, pk: int, filename: str, report: ImportReport | None, problems: list[RowError]
) -> HttpResponse:
    return render(
        request,
        "exchange/preview.html",
        {"pk": pk, "filename": filename, "rows": _tallies(report), "problems": problems, "report": report},
    )  # a refused file is a preview too (200): the page reports on the file, the request itself went well


def _tallies(report: ImportReport | None) -> list[tuple[object, object]]:
    """(label, tally) of each kind of row, for `exchange/tallies.html`."""
    return [(SECTION_LABELS[name], tally) for name, tally in report.tallies.items()] if report else []


@workspace_view("editor")
@require_POST
def confirm(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    if request.POST.get("cancel"):
        if not uploads.discard_upload(actor, pk):
            messages.error(request, _("This file is being imported now and can no longer be cancelled."))
            return HttpResponseRedirect(reverse("exchange-state", args=[pk]))
        messages.info(request, _("Import cancelled; nothing was written."))
        return HttpResponseRedirect(reverse("exchange"))
    pending = uploads.pending_upload(actor, pk)
    try:
        report = uploads.confirm_upload(actor, pk)
    except uploads.UploadRefused as exc:  # the workspace changed since the preview
        return _preview_page(request, pk, pending.filename, None, exc.problems)
    if report is None:  # the worker imports it
        return HttpResponseRedirect(reverse("exchange-state", args=[pk]))
    created = sum(t.created for t in report.tallies.values())
    updated = sum(t.updated for t in report.tallies.values())
    messages.success(
        request,
        _("Imported %(file)s: %(created)s created, %(updated)s updated.")
        % {"file": pending.filename, "created": created, "updated": updated},
    )
    return HttpResponseRedirect(reverse("okrs"))


@workspace_view("editor")
def upload_state(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Where a large upload stands: being checked or imported (asked again every few seconds, and the page made
    afresh once that is done), its preview, or what its import did."""
    pending = uploads.background_upload(actor, pk)
    now = uploads.standing(pending)
    if request.htmx and request.GET.get("poll"):
        return HttpResponse(status=204) if now.working else HttpResponseClientRefresh()
    if now.state == ImportState.CHECKED:
        return _preview_page(request, pending.pk, pending.filename, now.report, now.problems)
    return render(
        request,
        "exchange/state.html",
        {"pending": pending, "state": now.state, "working": now.working, "rows": _tallies(now.report),
         "report": now.report, "problems": now.problems, "restored": now.restored, "states": ImportState,
         "restoring": pending.purpose == UploadPurpose.RESTORE},
    )  # fmt: skip


@workspace_view()
def export(request: HttpRequest, actor: Actor, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    return download(*export_file(actor, fmt))


@workspace_view()
def template(request: HttpRequest, actor: Actor, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return download(*template_file(fmt))


@workspace_view("admin")
def backup(request: HttpRequest, actor: Actor) -> HttpResponse:
    name = f"{slugify(actor.workspace.name) or 'workspace'}-backup.json"
    return download(backup_text(actor).encode("utf-8"), name, "application/json")


@workspace_view()
@require_POST
def restore(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Restore a backup into a new workspace: a large one is handed to the worker (for an editor: the upload is
    theirs to follow on its page), a small one restored while the page waits."""
    file = request.FILES.get("file")
    if file is None:
        problems = [RowError("", None, "file", _("Choose a backup file."))]
        return render(request, "exchange/index.html", _context(actor, restore_problems=problems))
    data, filename = file.read(), file.name or "backup.json"
    if uploads.in_background(data) and actor.can_edit:
        pending = uploads.start_restore(actor, filename, data)
        return HttpResponseRedirect(reverse("exchange-state", args=[pending.pk]))
    report, problems = uploads.restore_file(filename, data, request.user)  # type: ignore[arg-type]
    if report is None:
        return render(request, "exchange/index.html", _context(actor, restore_problems=problems))
    messages.success(
        request,
        _("Restored “%(name)s” into the new workspace %(slug)s. Switch to it from the menu.")
        % {"name": report.workspace.name, "slug": report.workspace.slug},
    )
    return HttpResponseRedirect(reverse("exchange"))
