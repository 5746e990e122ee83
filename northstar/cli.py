"""The `northstar` command: serve, migrate, demo, import, export, users and tokens.

Django is set up only when the command runs (`main()`), not when this module is imported. Every command that
reads or writes workspace data acts as a user (`--as EMAIL`, by default the workspace's first owner) through
`actor_for`, so the command line passes the same permission gate as the pages and the API. Mistakes (a bad file,
an unknown workspace, a missing permission) end with a message and exit code 1, never a traceback.

The language of the messages follows NORTHSTAR_LANGUAGE, else LC_ALL / LC_MESSAGES / LANG, else settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from northstar.exchange.importer import ImportReport
    from northstar.workspaces.models import User, Workspace
    from northstar.workspaces.permissions import Actor

DEFAULT_URL = "http://{host}:{port}/"

app = typer.Typer(
    name="northstar",
    help=gettext_lazy("northstar: self-hosted OKRs with the roadmap that serves them."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help=gettext_lazy("Manage user accounts."), no_args_is_help=True)
token_app = typer.Typer(help=gettext_lazy("Manage API tokens for scripts."), no_args_is_help=True)
bench_app = typer.Typer(
    help=gettext_lazy(
        "Benchmarks: each prints its time and the ratio to a baseline measured in the same run."
    ),
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")
app.add_typer(token_app, name="token")
app.add_typer(bench_app, name="bench")
report_app = typer.Typer(help=gettext_lazy("Reports on a workspace, as rich tables."), no_args_is_help=True)
app.add_typer(report_app, name="report")


@app.callback()
def _every_command() -> None:
    """Every command speaks the language the environment asks for (NORTHSTAR_LANGUAGE, LC_ALL, LANG…), whatever
    ran before it in the same process."""
    from django.utils import translation

    language = cli_language()
    if language:
        translation.activate(language)


class UserError(Exception):
    """A mistake the person running the command can fix: reported as a message with exit code 1."""


class ExportFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    xlsx = "xlsx"
    csv = "csv"


# --- plumbing ---------------------------------------------------------------------------------------------------


def cli_language() -> str | None:
    from django.conf import settings
    from django.utils.translation import get_supported_language_variant

    for name in ("NORTHSTAR_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(".")[0].replace("_", "-")
        if value and value not in ("C", "POSIX"):
            try:
                return get_supported_language_variant(value.lower())
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


def setup_django() -> None:
    """Point Django at northstar's settings and set it up, once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")
    import django
    from django.apps import apps
    from django.utils import translation

    if not apps.ready:
        django.setup()
    language = cli_language()
    if language:
        translation.activate(language)


def out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_errors(errors: list[Any]) -> None:
    console = err()
    for error in errors:
        line = Text()
        if error.field:
            line.append(f"{error.field}: ", style="bold red")
        line.append(str(error.message), style="red")
        console.print(line)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a person can fix into a red message and exit code 1."""
    from django.db import OperationalError, ProgrammingError

    from northstar.workspaces.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed

    try:
        yield
    except ValidationFailed as exc:
        print_errors(exc.errors)
        err().print(Text(_("Nothing was written."), style="red"))
        raise typer.Exit(1) from exc
    except UserError as exc:
        err().print(Text(str(exc), style="red"))
        raise typer.Exit(1) from exc
    except PermissionDenied as exc:
        err().print(Text(str(exc) or _("You may not do this."), style="red"))
        raise typer.Exit(1) from exc
    except NotFound as exc:
        err().print(Text(_("Not found, or not visible to you."), style="red"))
        raise typer.Exit(1) from exc
    except StaleVersion as exc:
        err().print(Text(str(exc), style="red"))
        raise typer.Exit(1) from exc
    except (OperationalError, ProgrammingError) as exc:
        err().print(
            Text(
                _("The database is not ready (%(error)s). Run “northstar migrate” first.") % {"error": exc},
                style="red",
            )
        )
        raise typer.Exit(1) from exc


def find_workspace(slug: str | None) -> Workspace:
    from northstar.workspaces.models import Workspace

    if slug:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            known = ", ".join(Workspace.objects.order_by("slug").values_list("slug", flat=True)) or "-"
            raise UserError(
                _("There is no workspace “%(slug)s”. Workspaces: %(known)s.") % {"slug": slug, "known": known}
            )
        return workspace
    workspaces = list(Workspace.objects.order_by("slug")[:21])
    if not workspaces:
        raise UserError(_("There are no workspaces yet: run “northstar demo” or “northstar import FILE”."))
    if len(workspaces) > 1:
        raise UserError(
            _("Choose a workspace with --workspace: %(slugs)s.")
            % {"slugs": ", ".join(w.slug for w in workspaces)}
        )
    return workspaces[0]


def find_user(email: str) -> User:
    from northstar.workspaces.models import User

    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise UserError(
            _("There is no user %(email)s (create one with “northstar users create”).") % {"email": email}
        )
    return user


def acting(workspace: Workspace, email: str | None) -> Actor:
    """The actor a command works as: --as EMAIL, else the workspace's first owner."""
    from northstar.exchange.importer import first_owner
    from northstar.workspaces.permissions import actor_for

    user = find_user(email) if email else first_owner(workspace)
    if user is None:
        raise UserError(
            _("The workspace %(slug)s has no owner; say who acts with --as.") % {"slug": workspace.slug}
        )
    actor = actor_for(user, workspace)
    if not actor.is_member:
        raise UserError(
            _("%(email)s is not a member of the workspace %(slug)s.")
            % {"email": user.email, "slug": workspace.slug}
        )
    return actor


def target_team(workspace: Workspace, key: str | None) -> Any:
    from northstar.workspaces.models import Team

    if key is None:
        return None
    team = Team.objects.filter(workspace=workspace, key=key).first()
    if team is None:
        raise UserError(_("There is no team %(key)s in %(slug)s.") % {"key": key, "slug": workspace.slug})
    return team


def print_table_errors(errors: list[Any]) -> None:
    console = err()
    for error in errors:
        line = Text()
        place = (
            error.sheet
            + (f" {_('row')} {error.row}" if error.row else "")
            + (f", {error.column}" if error.column else "")
        )
        line.append(f"{place}: ", style="bold red")
        line.append(str(error.message), style="red")
        console.print(line)
    console.print(Text(_("Nothing was written."), style="red"))


@contextmanager
def progress_bar(label: str) -> Iterator[Any]:
    """A rich progress bar on a terminal; silence elsewhere (pipes, tests)."""
    console = err()
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True,
        disable=not console.is_terminal,
    )  # fmt: skip
    task = progress.add_task(label, total=None)
    names = {}

    def update(section: str, done: int, total: int) -> None:
        from northstar.exchange.importer import SECTION_LABELS

        if section not in names:
            names[section] = f"{label} · {SECTION_LABELS.get(section, section)}"
        progress.update(task, description=names[section], completed=done, total=total)

    with progress:
        yield update


def print_report(report: ImportReport) -> None:
    from northstar.exchange.importer import SECTION_LABELS

    console = out()
    if report.dry_run:
        title = _("Dry run for “%(name)s”: nothing was written.") % {"name": report.workspace_name}
    elif report.created_workspace:
        title = _("Imported into the new workspace “%(name)s” (%(slug)s).") % {
            "name": report.workspace_name,
            "slug": report.workspace_slug,
        }
    else:
        title = _("Imported into “%(name)s” (%(slug)s).") % {
            "name": report.workspace_name,
            "slug": report.workspace_slug,
        }
    table = Table(title=title, title_justify="left")
    table.add_column(_("Section"))
    table.add_column(_("Created"), justify="right", style="green")
    table.add_column(_("Updated"), justify="right", style="yellow")
    table.add_column(_("Unchanged"), justify="right", style="dim")
    for name, tally in report.tallies.items():
        table.add_row(str(SECTION_LABELS[name]), str(tally.created), str(tally.updated), str(tally.unchanged))
    console.print(table)
    for warning in report.warnings:
        console.print(Text(f"{warning.field}: {warning.message}", style="yellow"))
    if not report.changed and not report.dry_run:
        console.print(Text(_("Everything was up to date already."), style="dim"))


# --- commands ---------------------------------------------------------------------------------------------------


@app.command(
    help=gettext_lazy("Run the web server: Django's development server, or gunicorn with --production.")
)
def serve(
    host: Annotated[str, typer.Option(help=gettext_lazy("The address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=gettext_lazy("The port to listen on."))] = 8000,
    production: Annotated[
        bool,
        typer.Option(
            "--production",
            help=gettext_lazy(
                "Serve with gunicorn (northstar.wsgi) after collecting static files. "
                'Tune it with GUNICORN_CMD_ARGS, e.g. "--workers 4".'
            ),
        ),
    ] = False,
) -> None:
    from django.core.management import call_command

    if not production:
        call_command("runserver", f"{host}:{port}")
        return
    with user_errors():
        call_command("collectstatic", interactive=False, verbosity=0)
    args = [sys.executable, "-m", "gunicorn", "northstar.wsgi:application", "--bind", f"{host}:{port}"]
    # gunicorn's own default (30 s) kills a worker computing a whole enterprise's dashboard for the first time;
    # what GUNICORN_CMD_ARGS says comes after, and wins
    os.environ["GUNICORN_CMD_ARGS"] = f"{GUNICORN_DEFAULTS} {os.environ.get('GUNICORN_CMD_ARGS', '')}".strip()
    err().print(Text(_("Serving northstar on %(url)s") % {"url": DEFAULT_URL.format(host=host, port=port)}))
    exec_process(args)


GUNICORN_DEFAULTS = "--timeout 180"


def exec_process(args: list[str]) -> None:  # replaced in tests
    os.execv(args[0], args)


@app.command("worker")
def worker(
    once: Annotated[
        bool,
        typer.Option("--once", help=gettext_lazy("Enqueue what is due, run every waiting task, then stop.")),
    ] = False,
    interval: Annotated[
        int,
        typer.Option(help=gettext_lazy("Seconds between looks for due reminders, retries and refreshes.")),
    ] = 60,
) -> None:
    """Run the background tasks — check-in reminders and weekly digests by email, webhook deliveries, live data
    sources — from the database queue, and start what is due (reminders once a day, digests once a week, webhook
    retries and source refreshes as they come due). `make run` starts one."""
    import threading

    from django.core.management import call_command
    from django.db import close_old_connections

    from northstar.insights.reminders import schedule_due as reminders_due
    from northstar.integrations.sources import refresh_due
    from northstar.integrations.webhooks import retry_due
    from northstar.workspaces.web import today

    def schedule_due(day: Any) -> None:
        reminders_due(day)
        retry_due()
        refresh_due()

    if once:
        schedule_due(today())
        call_command("db_worker", batch=True, no_startup_delay=True, queue_name="*", verbosity=0)
        return
    stop = threading.Event()

    def schedule() -> None:
        while not stop.is_set():
            try:
                schedule_due(today())
            finally:
                close_old_connections()
            stop.wait(interval)

    threading.Thread(target=schedule, name="northstar-scheduler", daemon=True).start()
    try:
        call_command("db_worker", queue_name="*", interval=5)
    finally:
        stop.set()


@app.command(help=gettext_lazy("Create or update the database tables (Django's migrate)."))
def migrate() -> None:
    from django.core.management import call_command

    with user_errors():
        call_command("migrate", interactive=False, verbosity=1)


@app.command(
    help=gettext_lazy(
        "Load the Finvest example into a workspace “finvest” (password for everyone: northstar-demo)."
    )
)
def demo(
    shift: Annotated[
        bool,
        typer.Option(
            "--shift/--no-shift",
            help=gettext_lazy("Move every date so that today falls where 2026-11-25 falls in the file."),
        ),
    ] = True,
    reset: Annotated[
        bool,
        typer.Option("--reset", help=gettext_lazy("Delete the demo workspace first and load it afresh.")),
    ] = False,
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty",
            help=gettext_lazy("Load it only into a database that has no workspace yet (the first run)."),
        ),
    ] = False,
    host: Annotated[
        str, typer.Option(help=gettext_lazy("The host to print in the URL."), hidden=True)
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help=gettext_lazy("The port to print in the URL."), hidden=True)
    ] = 8000,
) -> None:
    from django.utils import timezone

    from northstar.exchange.demo import load_demo
    from northstar.workspaces.models import Workspace

    if if_empty and Workspace.objects.exists():
        out().print(Text(_("There are workspaces already; the demo was not loaded.")))
        return
    with user_errors():
        with progress_bar(_("Loading the demo")) as update:
            result = load_demo(today=timezone.localdate(), shift=shift, reset=reset, on_progress=update)
        console = out()
        if not result.loaded:
            console.print(Text(result.message, style="yellow"))
        else:
            console.print(Text(result.message, style="green"))
            if result.report is not None:
                print_report(result.report)
        console.print(Text(_("Open %(url)s (start the server with “northstar serve”)") % {
            "url": DEFAULT_URL.format(host=host, port=port)}))  # fmt: skip
        console.print(Text(_("Log in as %(email)s with the password %(password)s") % {
            "email": result.login, "password": result.password}))  # fmt: skip


@app.command(
    "import",
    help=gettext_lazy("Import OKRs and the roadmap from a YAML, JSON, XLSX or CSV file: into a new workspace, or into "
           "--workspace SLUG, matching rows by their keys. Checks the whole file first; writes all of it or nothing."),
)  # fmt: skip
def import_(
    file: Annotated[
        Path, typer.Argument(help=gettext_lazy("The file to import, e.g. finvest.yaml."), show_default=False)
    ],
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace", help=gettext_lazy("Update this workspace (its slug) instead of creating one.")
        ),
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            help=gettext_lazy("Import as this user (default: the workspace's first owner, or the file's)."),
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=gettext_lazy("Check and count, but write nothing."))
    ] = False,
    team: Annotated[
        str | None,
        typer.Option(
            "--team", help=gettext_lazy("Jira exports: the team (key) of issues that name none of ours.")
        ),
    ] = None,
) -> None:

    from northstar.exchange.importer import import_document
    from northstar.exchange.okr_yaml import read_path
    from northstar.exchange.tables import TableErrors
    from northstar.exchange.uploads import import_tabular

    with user_errors():
        tabular = file.suffix.lower() in (".csv", ".xlsx")
        document = None if tabular else read_path(file)
        target = find_workspace(workspace) if workspace else None
        if as_ and target is not None:
            acting(target, as_)  # a clear message for a non-member before anything else
        try:
            with progress_bar(_("Importing")) as update:
                if tabular:
                    try:
                        data = file.read_bytes()
                    except OSError as exc:
                        raise UserError(
                            _("%(path)s cannot be read: %(reason)s") % {"path": file, "reason": exc.strerror}
                        ) from exc
                    report = import_tabular(
                        data, file.name, user=as_, workspace=target,
                        default_team=target_team(target, team) if target else None,
                        dry_run=dry_run, on_progress=update,
                    )  # fmt: skip
                else:
                    report = import_document(
                        document, user=as_, workspace=target, dry_run=dry_run, on_progress=update
                    )
        except TableErrors as exc:
            print_table_errors(exc.errors)
            raise typer.Exit(1) from exc
        print_report(report)


@app.command(
    help=gettext_lazy(
        "Export a workspace's OKRs as YAML or JSON: what the acting user can see, nothing more."
    )
)
def export(
    workspace: Annotated[
        str | None, typer.Option("--workspace", help=gettext_lazy("The workspace's slug."))
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as", help=gettext_lazy("Export as this user (default: the workspace's first owner).")
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            help=gettext_lazy(
                "yaml, json, xlsx or csv (a zip of one file per sheet); default: from the output file's name, else yaml."
            ),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=gettext_lazy("Write to this file instead of standard output.")),
    ] = None,
) -> None:
    from northstar.exchange.downloads import export_file

    with user_errors():
        actor = acting(find_workspace(workspace), as_)
        suffix = output.suffix.lower().lstrip(".") if output else ""
        chosen = (
            fmt.value
            if fmt
            else {"json": "json", "xlsx": "xlsx", "zip": "csv", "csv": "csv"}.get(suffix, "yaml")
        )
        content, _name, _media = export_file(actor, chosen)
        if output is None:
            if chosen in ("xlsx", "csv"):
                raise UserError(_("An Excel or CSV export needs a file: give --output."))
            sys.stdout.write(content.decode("utf-8"))
            return
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise UserError(
                _("%(path)s cannot be written: %(reason)s") % {"path": output, "reason": exc.strerror}
            ) from exc
        err().print(
            Text(_("Exported “%(name)s” to %(path)s.") % {"name": actor.workspace.name, "path": output})
        )


@app.command("backup")
def backup(
    workspace: Annotated[
        str | None, typer.Option("--workspace", help=gettext_lazy("The workspace's slug."))
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option("--as", help=gettext_lazy("Back up as this admin or owner (default: the first owner).")),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=gettext_lazy("Write to this file instead of standard output.")),
    ] = None,
) -> None:
    """The whole workspace in one JSON file: every table, with history and audit (not API tokens, invitations or
    passwords)."""
    from northstar.exchange.backup import backup_text

    with user_errors():
        actor = acting(find_workspace(workspace), as_)
        text = backup_text(actor)
        if output is None:
            sys.stdout.write(text)
            return
        write_file(output, text)
        err().print(
            Text(_("Backed up “%(name)s” to %(path)s.") % {"name": actor.workspace.name, "path": output})
        )


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help=gettext_lazy("A backup file."), show_default=False)],
    as_: Annotated[
        str, typer.Option("--as", help=gettext_lazy("Restore as this person, an owner in the backup."))
    ],
    slug: Annotated[
        str | None,
        typer.Option("--slug", help=gettext_lazy("The new workspace's slug (default: from its name).")),
    ] = None,
) -> None:
    """Restore a backup into a new, empty workspace: all of it or nothing."""
    from northstar.exchange.backup import restore_backup
    from northstar.exchange.okr_yaml import read_path

    with user_errors():
        report = restore_backup(read_path(file), owner=find_user(as_), slug=slug)
    rows = sum(report.rows.values())
    out().print(
        _("Restored “%(name)s” as %(slug)s: %(rows)s rows, %(people)s people created.")
        % {"name": report.workspace.name, "slug": report.workspace.slug, "rows": f"{rows:,}",
           "people": report.people_created}
    )  # fmt: skip


def write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(
            _("%(path)s cannot be written: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from exc


@users_app.command(
    "create", help=gettext_lazy("Create a user account, and optionally add it to a workspace.")
)
def users_create(
    email: Annotated[
        str, typer.Argument(help=gettext_lazy("The email address to log in with."), show_default=False)
    ],
    name: Annotated[str, typer.Option(help=gettext_lazy("The person's name."))] = "",
    password: Annotated[
        str | None,
        typer.Option(
            help=gettext_lazy(
                "Their password. Without one the account cannot log in until a password is set."
            )
        ),
    ] = None,
    workspace: Annotated[
        str | None, typer.Option("--workspace", help=gettext_lazy("Add them to this workspace (its slug)."))
    ] = None,
    role: Annotated[
        str, typer.Option(help=gettext_lazy("Their role there: owner, admin, editor or viewer."))
    ] = "editor",
    as_: Annotated[
        str | None,
        typer.Option(
            "--as", help=gettext_lazy("Add them as this member (default: the workspace's first owner).")
        ),
    ] = None,
) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from northstar.workspaces import actions as ws_actions
    from northstar.workspaces.errors import FieldError, ValidationFailed
    from northstar.workspaces.models import User

    with user_errors(), transaction.atomic():
        target = find_workspace(workspace) if workspace else None
        actor = acting(target, as_) if target is not None else None
        exists = User.objects.filter(email=email.strip().lower()).exists()
        if password is not None and not exists:
            try:
                validate_password(password, User(email=email, name=name))
            except ValidationError as exc:
                raise ValidationFailed([FieldError("password", m) for m in exc.messages]) from exc
        user, created = ws_actions.get_or_create_user(email, name=name, password=password)
        console = out()
        if created:
            console.print(Text(_("Created the user %(email)s.") % {"email": user.email}, style="green"))
            if password is None:
                console.print(
                    Text(_("They have no password yet: invite them, or create them again with --password."))
                )
        else:
            console.print(
                Text(_("The user %(email)s exists already; their name and password were left as they are.")
                     % {"email": user.email}, style="yellow")
            )  # fmt: skip
        if target is not None and actor is not None:
            ws_actions.add_member(actor, target, user, role)
            console.print(
                Text(
                    _("%(email)s is %(role)s in %(slug)s.")
                    % {"email": user.email, "role": role, "slug": target.slug}
                )
            )


@token_app.command("create", help=gettext_lazy("Create an API token and print its secret, once."))
def token_create(
    workspace: Annotated[
        str, typer.Option("--workspace", help=gettext_lazy("The workspace's slug."), show_default=False)
    ],
    user: Annotated[
        str, typer.Option("--user", help=gettext_lazy("The member the token acts as."), show_default=False)
    ],
    name: Annotated[
        str,
        typer.Option(
            "--name", help=gettext_lazy("What the token is for, e.g. the script's name."), show_default=False
        ),
    ],
    days: Annotated[int, typer.Option("--days", help=gettext_lazy("Days until it expires (1 to 366)."))] = 90,
    read_only: Annotated[
        bool, typer.Option("--read-only", help=gettext_lazy("The token may read but not change anything."))
    ] = False,
    scope: Annotated[
        str,
        typer.Option("--scope", help=gettext_lazy("kr_values: the token may only post key result values.")),
    ] = "",
) -> None:
    from northstar.workspaces.actions import create_api_token

    with user_errors():
        actor = acting(find_workspace(workspace), user)
        token, secret = create_api_token(
            actor, name=name, expires_in_days=days, read_only=read_only, scope=scope
        )
        console = err()
        console.print(
            Text((
                _("Created the token “%(name)s” for %(email)s in %(slug)s%(mode)s, valid until %(expires)s.")
                if token.expires_at else _("Created the token “%(name)s” for %(email)s in %(slug)s%(mode)s; it does not expire.")
            ) % {
                "name": token.name, "email": actor.user.email if actor.user else "-", "slug": actor.workspace.slug,
                "mode": _(" (read only)") if token.read_only else "",
                "expires": token.expires_at.date().isoformat() if token.expires_at else "",
            }, style="green")
        )  # fmt: skip
        console.print(Text(_("This is the only time the secret is shown; store it now:"), style="bold"))
        sys.stdout.write(secret + "\n")


@app.command("optimise")
def optimise_period(
    period: Annotated[str, typer.Option(help=gettext_lazy("The period's key, e.g. FY27-Q2."))],
    workspace: Annotated[
        str | None, typer.Option("--workspace", help=gettext_lazy("The workspace's slug."))
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help=gettext_lazy("Plan as this user (default: the first owner)."))
    ] = None,
    capacity: Annotated[
        list[str] | None,
        typer.Option(
            help=gettext_lazy("Try another capacity: TEAM=PERSON_DAYS, e.g. growth=40 (repeatable).")
        ),
    ] = None,
    save_as: Annotated[
        str | None,
        typer.Option(
            "--save-as",
            help=gettext_lazy(
                "Keep the result as a what-if scenario with this name (the roadmap is not changed)."
            ),
        ),
    ] = None,
) -> None:
    """Choose the initiatives of a period that serve the goals best within each team's capacity (HiGHS), and
    say what was dropped and why. Nothing is changed; --save-as keeps the choice as a scenario to compare and
    apply."""
    from rich.table import Table

    from northstar.insights.optimise import plan_period
    from northstar.okrs.models import Period
    from northstar.workspaces.models import Team
    from northstar.workspaces.web import today

    with user_errors():
        actor = acting(find_workspace(workspace), as_user)
        chosen = Period.objects.restrict(actor).filter(key=period).first()
        if chosen is None:
            raise UserError(_("No such period in this workspace."))
        overrides: dict[int, float] = {}
        for entry in capacity or []:
            key, _sep, days = entry.partition("=")
            team = Team.objects.restrict(actor).filter(key=key.strip()).first()
            try:
                amount = float(days)
            except ValueError:
                amount = -1
            if team is None or amount < 0:
                raise UserError(_("Write the capacity as TEAM=PERSON_DAYS with a team key, e.g. growth=40."))
            overrides[team.pk] = amount
        result = plan_period(actor, chosen, today=today(), capacity_overrides=overrides)
        scenario = None
        if save_as is not None:
            from northstar.roadmap.scenario_actions import scenario_from_plan

            scenario = scenario_from_plan(actor, result, name=save_as, overrides=overrides)
    plan = result.plan
    console = out()
    table = Table(
        title=_("Plan for %(period)s: total strategic score %(value).2f (%(status)s)")
        % {"period": chosen.name, "value": plan.value, "status": plan.status},
        title_justify="left",
    )
    for column in (_("Initiative"), _("Team"), _("Score"), _("Person-days"), _("Decision")):
        table.add_column(column)
    reasons = {
        "capacity": _("dropped: %(team)s lacks %(days).1f person-days"),
        "dependency": _("dropped: needs “%(other)s”, which is not selected"),
        "pinned_out": _("dropped: pinned out"),
        "no_value": _("dropped: serves no key result"),
    }
    dropped = {d.id: d for d in plan.dropped}
    for pk, item in sorted(
        result.initiatives.items(), key=lambda kv: (kv[0] not in plan.selected, -result.value[kv[0]])
    ):
        if pk in plan.selected:
            decision = Text(_("selected"), style="green")
        else:
            d = dropped.get(pk)
            detail = d.detail if d and isinstance(d.detail, dict) else {}
            text = reasons.get(d.reason if d else "", "") % {
                "team": result.teams[detail["team"]].name if "team" in detail else "",
                "days": detail.get("lacking", 0),
                "other": result.initiatives[detail["requires"]].title
                if detail.get("requires") in result.initiatives
                else "",
            }
            decision = Text(text, style="red")
        table.add_row(
            item.title, item.team.name, f"{result.value[pk]:.2f}", f"{result.effort[pk]:.1f}", decision
        )
    console.print(table)
    for team_id, worth in sorted(plan.marginal_value.items()):
        if worth > 0:
            console.print(
                _("One more person-day for %(team)s would be worth about %(value).3f of strategic score.")
                % {"team": result.teams[team_id].name, "value": worth}
            )
    if scenario is not None:
        console.print(
            _(
                "Saved as the scenario “%(name)s” (id %(id)d): compare it with the plan and apply it on its page."
            )
            % {"name": scenario.name, "id": scenario.pk}
        )


@report_app.command("review")
def report_review(
    period: Annotated[str, typer.Option(help=gettext_lazy("The period's key, e.g. FY27-Q2."))],
    team: Annotated[
        str | None, typer.Option(help=gettext_lazy("The team's key (default: the whole company)."))
    ] = None,
    workspace: Annotated[
        str | None, typer.Option("--workspace", help=gettext_lazy("The workspace's slug."))
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help=gettext_lazy("Review as this user (default: the first owner)."))
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help=gettext_lazy("Also write the review as a PDF."))
    ] = None,
) -> None:
    """A review of a team's period as of today — wins first, then misses, risks and decisions — without saving
    it; --pdf writes the same review as a PDF."""
    from rich.table import Table

    from northstar.insights.models import ReviewKind
    from northstar.insights.reviews import draft_review, load_review
    from northstar.okrs.models import Period
    from northstar.workspaces.models import Team
    from northstar.workspaces.web import today

    with user_errors():
        actor = acting(find_workspace(workspace), as_user)
        chosen = Period.objects.restrict(actor).filter(key=period).first()
        if chosen is None:
            raise UserError(_("No such period in this workspace."))
        team_obj = None
        if team is not None:
            team_obj = Team.objects.restrict(actor).filter(key=team).first()
            if team_obj is None:
                raise UserError(_("No such team in this workspace."))
        review = draft_review(actor, chosen, team_obj, ReviewKind.MONTHLY, today())
        content = load_review(actor, review)
    console = out()
    console.print(
        _("Review of %(team)s, %(period)s: %(since)s – %(until)s")
        % {
            "team": team_obj.name if team_obj else _("the whole company"),
            "period": chosen.name,
            "since": review.since.isoformat(),
            "until": review.as_of.isoformat(),
        }
    )
    table = Table(title=_("Wins to celebrate"), title_justify="left")
    table.add_column(_("Key result"))
    table.add_column(_("Why"))
    for k, gain in content.movers:
        table.add_row(k.kr.title, _("moved %(gain).0f %% of the way to the target") % {"gain": 100 * gain})
    for k in content.achieved:
        table.add_row(k.kr.title, _("achieved"))
    for k in content.ahead:
        table.add_row(k.kr.title, _("on track"))
    for m in content.milestones_reached:
        table.add_row(m.title, _("milestone reached"))
    console.print(table)
    misses = Table(title=_("Misses and slips"), title_justify="left")
    misses.add_column(_("Key result"))
    misses.add_column(_("Why"))
    for k in content.missed:
        misses.add_row(k.kr.title, _("missed"))
    for k in content.behind:
        misses.add_row(k.kr.title, _("behind"))
    for m in content.milestones_missed:
        misses.add_row(m.title, _("milestone missed"))
    console.print(misses)
    for x in content.risks:
        console.print(
            _("Risk: %(chain)s → %(kr)s")
            % {"chain": " → ".join(i.title for i in x.chain), "kr": x.key_result.title}
        )
    if pdf is not None:
        from northstar.insights.views_reviews import review_pdf_bytes

        pdf.write_bytes(review_pdf_bytes(actor, review))
        console.print(_("PDF written to %(path)s.") % {"path": str(pdf)})


@report_app.command("coverage")
def report_coverage(
    workspace: Annotated[
        str | None, typer.Option("--workspace", help=gettext_lazy("The workspace's slug."))
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help=gettext_lazy("Report as this user (default: the first owner)."))
    ] = None,
    period: Annotated[
        str | None, typer.Option(help=gettext_lazy("The period's key (default: the current one)."))
    ] = None,
) -> None:
    """Key results without work, work without key results (orphan share per team against the threshold),
    capacity and load, and dependencies across teams, for one period."""
    from rich.table import Table

    from northstar.insights.queries import coverage_report
    from northstar.okrs.models import Period
    from northstar.okrs.queries import default_period
    from northstar.workspaces.web import today

    with user_errors():
        actor = acting(find_workspace(workspace), as_user)
        now = today()
        chosen = (
            Period.objects.restrict(actor).filter(key=period).first()
            if period
            else default_period(actor, now)
        )
        if chosen is None:
            raise UserError(_("No such period in this workspace."))
        report = coverage_report(actor, chosen, today=now)
    console = out()
    table = Table(
        title=_("Coverage of %(period)s: %(share).0f %% of the planned effort serves no key result (threshold %(threshold).0f %%)")
        % {"period": chosen.name, "share": report.company_orphan_share * 100, "threshold": report.threshold * 100},
        title_justify="left",
    )  # fmt: skip
    for column in (_("Team"), _("Planned"), _("Orphan"), _("Orphan share"), _("Capacity"), _("Load")):
        table.add_column(column, justify="left" if column == _("Team") else "right")
    for line in report.teams:
        table.add_row(
            "  " * line.depth + line.team.name,
            f"{line.planned:.1f}",
            f"{line.orphan:.1f}",
            Text(f"{line.orphan_share:.0%}", style="red" if line.over_threshold else ""),
            "—" if line.load.capacity is None else f"{line.load.capacity:.0f}",
            Text(f"{line.load.load:.1f}", style="red" if line.load.over else ""),
        )
    console.print(table)
    sections = (
        (_("Orphan work"), [item.title for item in report.orphans]),
        (_("Key results with no work planned"), [k.title for k in report.unsupported_key_results]),
        (_("Objectives with no work at all"), [o.title for o in report.unsupported_objectives]),
        (_("Dependencies across teams"), [f"{a.title} → {b.title}" for a, b in report.cross_team]),
    )
    for heading, lines in sections:
        if lines:
            console.print(Text(heading, style="bold"))
            for line_text in lines:
                console.print(f"  • {line_text}")


@bench_app.command("schedule")
def bench_schedule(
    items: Annotated[int, typer.Option(help=gettext_lazy("How many work items."))] = 100_000,
    deps: Annotated[int, typer.Option(help=gettext_lazy("How many dependencies."))] = 200_000,
    seed: Annotated[int, typer.Option(help=gettext_lazy("Seed of the random roadmap."))] = 7,
) -> None:
    """The whole schedule (earliest/latest dates, slack, critical path, violations) of a random roadmap, against a
    plain topological sort of the same graph (graphlib)."""
    from rich.table import Table

    from northstar.core.bench_schedule import run

    with user_errors():
        if items < 2 or deps < 0:
            raise UserError(_("Give at least 2 items and no negative number of dependencies."))
        result = run(n_items=items, n_deps=deps, seed=seed)
    table = Table(title=_("Schedule of %(items)s items and %(deps)s dependencies (best of 3)") % {
        "items": f"{items:,}", "deps": f"{deps:,}"})  # fmt: skip
    table.add_column(_("what"))
    table.add_column(_("seconds"), justify="right")
    table.add_column(_("ratio"), justify="right")
    table.add_row(_("topological sort (graphlib, baseline)"), f"{result['baseline_s']:.3f}", "1.00")
    table.add_row(_("northstar schedule()"), f"{result['schedule_s']:.3f}", f"{result['ratio']:.2f}")
    out().print(table)


@bench_app.command("optimise")
def bench_optimise(
    items: Annotated[int, typer.Option(help=gettext_lazy("How many initiatives."))] = 2_000,
    teams: Annotated[int, typer.Option(help=gettext_lazy("How many teams."))] = 50,
    seed: Annotated[int, typer.Option(help=gettext_lazy("Seed of the random portfolio."))] = 7,
) -> None:
    """Choose initiatives under team capacities and dependencies with HiGHS (MILP), against a greedy
    value-per-effort heuristic on the same portfolio."""
    from rich.table import Table

    from northstar.core.bench_optimise import run

    with user_errors():
        if items < 1 or teams < 1:
            raise UserError(_("Give at least one initiative and one team."))
        result = run(n_items=items, n_teams=teams, seed=seed)
    table = Table(title=_("Optimiser on %(items)s initiatives and %(teams)s teams") % {
        "items": f"{items:,}", "teams": f"{teams:,}"})  # fmt: skip
    table.add_column(_("what"))
    table.add_column(_("seconds"), justify="right")
    table.add_column(_("total strategic score"), justify="right")
    table.add_column(_("ratio"), justify="right")
    table.add_row(
        _("greedy value per effort (baseline)"),
        f"{result['greedy_s']:.3f}",
        f"{result['greedy_value']:.3f}",
        "1.00",
    )
    table.add_row(
        _("HiGHS optimiser"),
        f"{result['optimise_s']:.3f}",
        f"{result['value']:.3f}",
        f"{result['ratio']:.4f}",
    )
    out().print(table)
    out().print(_("Optimality gap reported by HiGHS: %(gap).2g") % {"gap": result["gap"]})


@bench_app.command("forecast")
def bench_forecast(
    count: Annotated[int, typer.Option(help=gettext_lazy("How many simulated key results."))] = 2_000,
    seed: Annotated[int, typer.Option(help=gettext_lazy("Seed of the simulation."))] = 2027,
) -> None:
    """Forecasts against straight-line pace on simulated key results with a known outcome (Brier score and
    calibration error), and the impact attribution against the planted effects (rank correlation)."""
    from rich.table import Table

    from northstar.core.bench_forecast import run

    with user_errors():
        if count < 10:
            raise UserError(_("Simulate at least 10 key results."))
        result = run(count=count, seed=seed)
    table = Table(
        title=_(
            "%(forecasts)s forecasts on %(krs)s simulated key results (%(share).0f %% reached their target)"
        )
        % {
            "forecasts": f"{int(result['forecasts']):,}",
            "krs": f"{count:,}",
            "share": 100 * result["reached_share"],
        }
    )
    table.add_column(_("what"))
    table.add_column(_("Brier score"), justify="right")
    table.add_column(_("calibration error (pp)"), justify="right")
    table.add_column(_("ratio"), justify="right")
    table.add_row(
        _("straight-line pace (baseline)"),
        f"{result['brier_pace']:.4f}",
        f"{100 * result['calibration_error_pace']:.1f}",
        "1.00",
    )
    table.add_row(
        _("northstar forecast"),
        f"{result['brier_forecast']:.4f}",
        f"{100 * result['calibration_error_forecast']:.1f}",
        f"{result['brier_forecast'] / result['brier_pace']:.2f}",
    )
    console = out()
    console.print(table)
    console.print(
        _("Brier score %(better).0f %% better than straight-line pace (aim: at least 25 %%); calibration error "
          "%(error).1f percentage points (aim: at most 5).")
        % {"better": 100 * result["brier_improvement"], "error": 100 * result["calibration_error_forecast"]}
    )  # fmt: skip
    console.print(
        _("Impact attribution: rank correlation %(rho).2f between estimated and planted effects over %(n)s "
          "deliveries (aim: 0.8).")
        % {"rho": result["attribution_spearman"], "n": f"{int(result['attributions']):,}"}
    )  # fmt: skip
    console.print(
        _("Ceiling on the same data: %(rho).2f, from an estimator that knows the simulator's laws (no real "
          "workspace can); what it misses, the check-ins cannot tell.")
        % {"rho": result["attribution_ceiling_spearman"]}
    )  # fmt: skip
    console.print(_("%(seconds).1f seconds in all.") % {"seconds": result["seconds"]})


class LintFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("lint")
def lint_file(
    file: Annotated[
        Path,
        typer.Argument(help=gettext_lazy("An OKRs-as-code file, e.g. finvest.yaml."), show_default=False),
    ],
    fmt: Annotated[
        LintFormat, typer.Option("--format", help=gettext_lazy("text or json."))
    ] = LintFormat.text,
    disable: Annotated[
        list[str] | None, typer.Option("--disable", help=gettext_lazy("Switch a rule off (repeatable)."))
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=gettext_lazy("Fail on warnings too, not only on errors."))
    ] = False,
) -> None:
    """The OKR coach over a file: every finding with its rule, severity, text and suggestion. Exit code 0 when
    clean (or only warnings and hints), 1 when an error is found (or a warning, with --strict), 2 when the file
    cannot be read."""
    import json

    from northstar.coach.drafts import document_drafts, document_language
    from northstar.coach.present import advise
    from northstar.core.lint import RULES, lint
    from northstar.exchange.okr_yaml import read_path
    from northstar.workspaces.errors import ValidationFailed

    try:
        document = read_path(file)
        if not isinstance(document, dict):
            raise ValidationFailed.one("", _("The file holds no OKRs-as-code document."))
    except ValidationFailed as exc:
        print_errors(exc.errors)
        raise typer.Exit(2) from exc
    unknown = sorted(set(disable or []) - {r.id for r in RULES})
    if unknown:
        err().print(Text(_("No such coach rule: %(ids)s.") % {"ids": ", ".join(unknown)}, style="red"))
        raise typer.Exit(2)
    drafts = document_drafts(document)
    language = "sv" if document_language(document) == "sv" else "en"
    findings = lint(drafts, disabled=disable or [], language=language)
    advice = advise(findings, drafts)
    failing = {"error", "warning"} if strict else {"error"}
    code = 1 if any(a.severity in failing for a in advice) else 0
    if fmt == LintFormat.json:
        print(
            json.dumps(
                {"file": str(file), "findings": [a.as_dict() for a in advice]}, ensure_ascii=False, indent=2
            )
        )
        raise typer.Exit(code)
    console = out()
    titles = {d.key: d for d in drafts}
    styles = {"error": "bold red", "warning": "yellow", "hint": "cyan"}
    current = None
    for a in advice:
        if a.objective != current:
            current = a.objective
            console.print(Text(f"{a.objective}  {titles[a.objective].title}", style="bold"))
        line = Text("  ")
        if a.key_result is not None:
            line.append(f"key_results[{a.key_result}] ", style="dim")
        line.append(f"{a.severity_label}", style=styles[a.severity])
        line.append(f" [{a.rule}] ", style="dim")
        line.append(a.message)
        console.print(line)
        if a.span is not None:
            before, marked, after = a.parts
            shown = Text("    ")
            shown.append(before)
            shown.append(marked, style="underline bold")
            shown.append(after)
            console.print(shown)
        if a.suggestion:
            console.print(Text(f"    → {a.suggestion}", style="green"))
    counts = {s: sum(1 for a in advice if a.severity == s) for s in ("error", "warning", "hint")}
    krs = sum(len(d.key_results) for d in drafts)
    console.print(
        _("%(objectives)s objectives, %(krs)s key results: %(errors)s errors, %(warnings)s warnings, %(hints)s hints.")
        % {"objectives": len(drafts), "krs": krs, "errors": counts["error"], "warnings": counts["warning"],
           "hints": counts["hint"]}
    )  # fmt: skip
    raise typer.Exit(code)


GeneratedWorkspace = Annotated[
    str, typer.Option("--workspace", help=gettext_lazy("A generated workspace's slug (northstar generate)."))
]


@bench_app.command("scale")
def bench_scale(
    workspace: GeneratedWorkspace = "generated-small",
) -> None:
    """The heavy reads on a generated workspace, each beside a baseline measured in the same run."""
    from rich.table import Table

    from northstar.bench_scale import run
    from northstar.workspaces.web import today

    with user_errors():
        actor = acting(find_workspace(workspace), None)
        rows = run(actor, today())
    table = Table(title=_("%(name)s on %(db)s") % {"name": actor.workspace.name, "db": connection_vendor()})
    for column in (
        _("what"),
        _("seconds"),
        _("baseline"),
        _("baseline seconds"),
        _("ratio"),
        _("goal"),
        _("met"),
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["what"], f"{row['seconds']:.3f}", row["baseline"],
            "" if row["baseline_seconds"] is None else f"{row['baseline_seconds']:.3f}",
            "" if row["ratio"] is None else f"{row['ratio']:.1f}", row["goal"],
            "" if row["met"] is None else (_("yes") if row["met"] else _("no")),
        )  # fmt: skip
    out().print(table)


@bench_app.command("load")
def bench_load(
    workspace: GeneratedWorkspace = "generated-medium",
    requests: Annotated[int, typer.Option(help=gettext_lazy("How many requests in all."))] = 2_000,
    clients: Annotated[int, typer.Option(help=gettext_lazy("How many clients at once."))] = 32,
    workers: Annotated[
        int, typer.Option(help=gettext_lazy("How many gunicorn worker processes (0: one per core)."))
    ] = 0,
    page_memory: Annotated[
        bool, typer.Option(help=gettext_lazy("Answer repeated reads from memory until something changes."))
    ] = True,
    write_share: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.5,
            help=gettext_lazy("The share of requests that are check-ins (0.01: one in 100)."),
        ),
    ] = 0.0,
) -> None:
    """A bounded load test on loopback against the production-style server (gunicorn, whitenoise, DEBUG off):
    dashboard, OKR page and API lists as the workspace's owner; prints each first answer, then p50/p95/p99 and
    errors alone and under load, then stops."""
    from rich.table import Table

    from northstar.bench_load import run

    with user_errors():
        actor = acting(find_workspace(workspace), None)
        try:
            first, alone, loaded = run(
                actor, requests=requests, clients=clients, workers=workers, page_memory=page_memory,
                write_share=write_share,
            )  # fmt: skip
        except RuntimeError as exc:
            raise UserError(str(exc)) from exc
    memory = _("page memory on") if page_memory else _("page memory off")
    first_table = Table(title=_("%(name)s on %(db)s: each first answer, nothing remembered") % {
        "name": actor.workspace.name, "db": connection_vendor()})  # fmt: skip
    for column in (_("what"), "ms"):
        first_table.add_column(column, justify="left" if column == _("what") else "right")
    for e in first.endpoints:
        first_table.add_row(e.name, f"{e.summary.p50 * 1000:.0f}")
    out().print(first_table)
    for result in (alone, loaded):
        table = Table(
            title=_("%(name)s on %(db)s, %(memory)s: %(clients)s at once, %(workers)s gunicorn workers, "
                    "%(rate).1f requests/s")
            % {"name": actor.workspace.name, "db": connection_vendor(), "workers": result.workers,
               "clients": ngettext("%(n)s client", "%(n)s clients", result.clients) % {"n": result.clients},
               "rate": result.requests_per_second, "memory": memory}
        )  # fmt: skip
        for column in (_("what"), _("requests"), _("errors"), "p50 ms", "p95 ms", "p99 ms", _("slowest ms")):
            table.add_column(column, justify="left" if column == _("what") else "right")
        for name, s in [(e.name, e.summary) for e in result.endpoints] + [(_("all"), result.total)]:
            table.add_row(
                name, f"{s.requests:,}", f"{s.errors:,}", f"{s.p50 * 1000:.0f}", f"{s.p95 * 1000:.0f}",
                f"{s.p99 * 1000:.0f}", f"{s.slowest * 1000:.0f}",
            )  # fmt: skip
        out().print(table)
    out().print(
        _(
            "Under load, the median request took %(ratio).1f× as long as alone (the baseline, measured in the same run)."
        )
        % {"ratio": loaded.total.p50 / alone.total.p50}
    )


@bench_app.command("import")
def bench_import(
    items: Annotated[int, typer.Option(help=gettext_lazy("How many work items in the document."))] = 100_000,
) -> None:
    """Importing a document of that many work items (validated, permission-checked, audited, all or nothing; a
    dry run, so nothing is left behind) against a bulk insert of the same rows, measured in the same run."""
    from rich.table import Table

    from northstar.exchange.bench_import import run
    from northstar.workspaces.web import today

    with user_errors():
        if items < 10:
            raise UserError(_("Import at least 10 work items."))
        result = run(items, today())
    table = Table(title=_("Import of %(items)s work items and %(deps)s dependencies on %(db)s")
                  % {"items": f"{result['items']:,.0f}", "deps": f"{result['dependencies']:,.0f}",
                     "db": connection_vendor()})  # fmt: skip
    for column in (_("what"), _("seconds"), _("work items per second"), _("ratio")):
        table.add_column(column)
    table.add_row(_("bulk insert of the bare rows (baseline)"), f"{result['bulk_seconds']:.2f}",
                  f"{result['items'] / result['bulk_seconds']:,.0f}", "1.00")  # fmt: skip
    table.add_row(_("import: validated, checked and audited"), f"{result['import_seconds']:.2f}",
                  f"{result['items'] / result['import_seconds']:,.0f}", f"{result['ratio']:.1f}")  # fmt: skip
    out().print(table)


def connection_vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


@bench_app.command("lint")
def bench_lint(
    count: Annotated[int, typer.Option(help=gettext_lazy("How many key results."))] = 10_000,
) -> None:
    """The OKR coach's speed on one core: key results linted per second, against reading the same texts once."""
    from rich.table import Table

    from northstar.core.lint.bench import run

    with user_errors():
        if count < 1:
            raise UserError(_("Lint at least one key result."))
        result = run(count)
    table = Table(title=_("Linting %(n)s key results in %(o)s objectives (one core, cold caches)") % {
        "n": f"{count:,}", "o": f"{int(result['objectives']):,}"})  # fmt: skip
    table.add_column(_("what"))
    table.add_column(_("seconds"), justify="right")
    table.add_column(_("ratio"), justify="right")
    table.add_row(
        _("read the texts once (lower-case and split, baseline)"), f"{result['baseline_seconds']:.4f}", "1"
    )
    table.add_row(_("northstar OKR coach, all rules"), f"{result['seconds']:.3f}", f"{result['ratio']:.0f}")
    console = out()
    console.print(table)
    console.print(
        _("%(rate)s key results per second; %(findings)s findings.")
        % {"rate": f"{result['per_second']:,.0f}", "findings": f"{int(result['findings']):,}"}
    )


@app.command("generate")
def generate_workspace(
    scale: Annotated[
        str, typer.Option("--scale", help=gettext_lazy("tiny, small, medium or enterprise."))
    ] = "small",
    slug: Annotated[
        str | None, typer.Option("--slug", help=gettext_lazy("The new workspace's slug."))
    ] = None,
    seed: Annotated[int, typer.Option(help=gettext_lazy("Seed of the random workspace."))] = 1,
) -> None:
    """A synthetic workspace of a given size, written with bulk inserts (enterprise: 2,000 teams, 20,000 objectives,
    80,000 key results, 2,000,000 check-ins, 100,000 work items, 200,000 dependencies, 150,000 contributions)."""
    import time

    from northstar.exchange.generate import SCALES, generate
    from northstar.workspaces.models import Workspace
    from northstar.workspaces.web import today

    with user_errors():
        if scale not in SCALES:
            raise UserError(_("Choose a scale: %(scales)s.") % {"scales": ", ".join(SCALES)})
        slug = slug or f"generated-{scale}"
        if Workspace.objects.filter(slug=slug).exists():
            raise UserError(_("There is already a workspace %(slug)s.") % {"slug": slug})
        started = time.perf_counter()
        with progress_bar(_("Generating")) as update:
            workspace = generate(SCALES[scale], name=f"Generated ({scale})", slug=slug, today=today(), seed=seed,
                                 progress=update)  # fmt: skip
        update_planner_statistics()
    out().print(
        _("Generated %(slug)s (%(scale)s) in %(seconds).1f seconds; sign in as %(email)s after setting a password.")
        % {"slug": workspace.slug, "scale": scale, "seconds": time.perf_counter() - started,
           "email": f"person0@{workspace.slug}.example"}
    )  # fmt: skip


def update_planner_statistics() -> None:
    """After a bulk insert, let the database's query planner see the new sizes (PostgreSQL's autovacuum would
    get there in its own time; until then it plans as if the tables were small). On PostgreSQL, outside a
    transaction, VACUUM too: it marks the new pages all-visible, so that counts and id lists are read from the
    indexes alone (index-only scans) instead of visiting every row."""
    from django.db import connection

    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


@app.command("simulate")
def simulate_key_results(
    count: Annotated[int, typer.Option(help=gettext_lazy("How many key results."))] = 20,
    seed: Annotated[int, typer.Option(help=gettext_lazy("Seed of the simulation."))] = 1,
    output: Annotated[
        Path | None,
        typer.Option("--out", help=gettext_lazy("Write them with their truth to this JSON file.")),
    ] = None,
) -> None:
    """Simulate key results with a known truth: noise, plateaus, steps where linked work is delivered, and
    irregular check-ins. Prints a table; --out writes every check-in, delivery and planted effect as JSON."""
    import json

    from rich.table import Table

    from northstar.core.simulate import simulate

    with user_errors():
        if count < 1:
            raise UserError(_("Simulate at least 1 key result."))
        krs = simulate(count, seed)
    if output is not None:
        output.write_text(
            json.dumps(
                [
                    {
                        "start_value": kr.start_value,
                        "target": kr.target,
                        "period": [kr.period_start.isoformat(), kr.period_end.isoformat()],
                        "check_ins": [[d.isoformat(), v] for d, v in kr.check_ins],
                        "deliveries": [
                            {"day": d.day.isoformat(), "weight": d.weight, "planted_effect": e}
                            for d, e in zip(kr.deliveries, kr.effects, strict=True)
                        ],
                        "final": kr.final,
                        "reached": kr.reached,
                    }
                    for kr in krs
                ],
                indent=1,
            ),
            encoding="utf-8",
        )
    table = Table(title=_("Simulated key results (seed %(seed)s)") % {"seed": seed})
    for column in (
        _("start"),
        _("target"),
        _("check-ins"),
        _("deliveries (planted effect)"),
        _("final"),
        _("reached"),
    ):
        table.add_column(column)
    for kr in krs[:50]:
        table.add_row(
            f"{kr.start_value:.1f}",
            f"{kr.target:.1f}",
            str(len(kr.check_ins)),
            ", ".join(f"{d.day:%d %b}: {e:+.1f}" for d, e in zip(kr.deliveries, kr.effects, strict=True))
            or "—",
            f"{kr.final:.1f}",
            _("yes") if kr.reached else _("no"),
        )
    out().print(table)


@bench_app.command("timeline")
def bench_timeline(
    items: Annotated[
        int,
        typer.Option(
            help=gettext_lazy(
                "How many work items on the large roadmap (the timeline draws at most 10,000 of them)."
            )
        ),
    ] = 10_000,
    baseline: Annotated[
        int, typer.Option(help=gettext_lazy("How many on the small one (the baseline)."))
    ] = 100,
) -> None:
    """Time to first render of the roadmap timeline in headless Chromium, large against small, in a throw-away
    database served on a free loopback port."""
    from rich.table import Table

    from northstar.roadmap.bench_timeline import run

    with user_errors():
        try:
            result = run(large=items, small=baseline)
        except RuntimeError as exc:
            raise UserError(str(exc)) from exc
    table = Table(title=_("Timeline: time to first render in headless Chromium (best of 3)"))
    table.add_column(_("work items"), justify="right")
    table.add_column(_("milliseconds"), justify="right")
    table.add_column(_("ratio"), justify="right")
    table.add_row(f"{baseline:,}", f"{result['small_ms']:.0f}", "1.00")
    table.add_row(f"{items:,}", f"{result['large_ms']:.0f}", f"{result['ratio']:.2f}")
    out().print(table)


def main() -> None:
    setup_django()
    app(prog_name="northstar")


if __name__ == "__main__":
    main()
