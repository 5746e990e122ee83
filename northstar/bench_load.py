"""Load test on loopback: the production-style server (``northstar serve --production``: gunicorn, whitenoise,
DEBUG off) on the database this process uses, a fixed number of requests sent by a fixed number of concurrent
clients, then it stops by itself. Each client sends its next request when the last one has been answered (a closed
loop), so with 32 clients the server always has 32 requests waiting or in progress.

It signs in as the workspace's first owner through a session made here (pages) and a one-day API token (the API
lists), both removed at the end, and sends ``X-Forwarded-Proto: https`` as the TLS-terminating proxy in front of
a real deployment would, and a CSRF cookie as a browser has after its first page.

First each endpoint is asked once with nothing remembered (what computing the answer costs), then every worker is
warmed (its forecast cache filled), as a server that has been up a while is. With page memory on (the default) the
measured requests are answered from memory until something changes (``northstar.workspaces.remembered``); without
it every request is computed. It reads the clock: a benchmark, never a test.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection as database
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from northstar.core.latency import LatencySummary, summarise
from northstar.okrs.models import KeyResult
from northstar.roadmap.bench_timeline import _free_port
from northstar.workspaces import remembered
from northstar.workspaces.actions import create_api_token, revoke_api_token
from northstar.workspaces.middleware import SESSION_WORKSPACE
from northstar.workspaces.permissions import Actor

CHECK_IN = gettext_lazy("API: check-in (write)")
ENDPOINTS: list[tuple[str, str, bool]] = [  # (name, path, through the API)
    (gettext_lazy("dashboard"), "/", False),
    (gettext_lazy("OKR page"), "/okrs/", False),
    (gettext_lazy("API: objectives"), "/api/v1/objectives", True),
    (gettext_lazy("API: key results"), "/api/v1/key-results", True),
    (gettext_lazy("API: work items"), "/api/v1/work-items", True),
]


def _endpoints(writes: bool = False) -> list[tuple[str, str, bool]]:
    """The endpoints with their names in the language of the run (the clients' threads have none of their own)."""
    reads = [(str(name), path, via_api) for name, path, via_api in ENDPOINTS]
    return [*reads, (str(CHECK_IN), "", True)] if writes else reads


@dataclass(frozen=True)
class EndpointResult:
    name: str
    path: str
    summary: LatencySummary


@dataclass(frozen=True)
class LoadResult:
    endpoints: list[EndpointResult]
    total: LatencySummary
    seconds: float
    clients: int
    workers: int

    @property
    def requests_per_second(self) -> float:
        return self.total.requests / self.seconds


def database_url(database: dict[str, Any]) -> str:
    """The address of the database this process uses (under tests: the test database), for the server's process."""
    if "sqlite" in database["ENGINE"]:
        return f"sqlite:///{database['NAME']}"
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    login = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{login}{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}/{database['NAME']}"


def default_workers() -> int:
    """One gunicorn process per core: answers from memory are short and CPU-bound, and more processes than cores
    only take turns (measured: 2 cores, 32 clients, p50 55 ms with 2 processes, 74 ms with 5)."""
    return os.cpu_count() or 1


def _session_cookie(actor: Actor) -> str:
    assert actor.user is not None
    session = SessionStore()
    session[SESSION_KEY] = str(actor.user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = actor.user.get_session_auth_hash()
    session[SESSION_WORKSPACE] = actor.workspace.pk
    session.create()
    assert session.session_key is not None
    return session.session_key


@contextlib.contextmanager
def _signed_in(actor: Actor, writes: bool) -> Iterator[dict[str, dict[str, str]]]:
    """Headers for pages and for the API, valid until the block ends."""
    session_key = _session_cookie(actor)
    token, raw = create_api_token(actor, name="northstar bench load", expires_in_days=1, read_only=not writes)
    proxy = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    cookies = (
        f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
    )
    try:
        yield {
            "page": {**proxy, "Cookie": cookies},
            "api": {**proxy, "Authorization": f"Bearer {raw}"},
        }
    finally:
        SessionStore(session_key).delete()
        revoke_api_token(actor, token.pk)


@contextlib.contextmanager
def _production_server(port: int, workers: int, page_memory: bool) -> Iterator[None]:
    remembered.page_memory().clear()  # the server shares it: its first answers are computed
    env = {
        **os.environ,
        "DATABASE_URL": database_url(database.settings_dict),
        "NORTHSTAR_PAGE_MEMORY_SECONDS": os.environ.get("NORTHSTAR_PAGE_MEMORY_SECONDS", "120")
        if page_memory
        else "0",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the session's auth hash was made with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_CMD_ARGS": f"--workers {workers} --backlog 256",
        "LOG_LEVEL": "ERROR",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "northstar.cli", "serve", "--production", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _attempt in range(300):
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
                status = connection.getresponse().status
                if status != 200:
                    raise RuntimeError(
                        _("The server answered %(status)s to /login/ (are the assets built? make assets)")
                        % {"status": status}
                    )
                break
            if proc.poll() is not None:
                raise RuntimeError(_("The server stopped while starting (northstar serve --production)."))
            time.sleep(0.2)
        else:
            raise RuntimeError(_("The server did not answer within a minute."))
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _send(port: int, path: str, headers: dict[str, str], body: str | None = None) -> tuple[float, bool]:
    """(seconds until the whole answer was read, whether it was a 200, or a 201 to a POST of the body)."""
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        if body is None:
            connection.request("GET", path, headers=headers)
        else:
            connection.request(
                "POST", path, body=body, headers={**headers, "Content-Type": "application/json"}
            )
        response = connection.getresponse()
        response.read()
        ok = response.status == (200 if body is None else 201)
        connection.close()
    except OSError:
        ok = False
    return time.perf_counter() - started, ok


def _measure(
    send: Callable[[tuple[str, str, bool]], tuple[str, float, bool]],
    jobs: list[tuple[str, str, bool]],
    clients: int,
    workers: int,
) -> LoadResult:
    times: dict[str, list[float]] = {name: [] for name, _p, _a in _endpoints(writes=True)}
    errors: dict[str, int] = dict.fromkeys(times, 0)
    with ThreadPoolExecutor(max_workers=clients) as pool:
        started = time.perf_counter()
        for name, seconds, ok in pool.map(send, jobs):
            times[name].append(seconds)
            errors[name] += not ok
        elapsed = time.perf_counter() - started
    return LoadResult(
        endpoints=[
            EndpointResult(name, path, summarise(times[name], errors[name]))
            for name, path, _a in _endpoints(writes=True)
            if times[name]
        ],
        total=summarise([t for ts in times.values() for t in ts], sum(errors.values())),
        seconds=elapsed,
        clients=clients,
        workers=workers,
    )


def _jobs(count: int, seed: int, write_share: float = 0.0) -> list[tuple[str, str, bool]]:
    """``count`` requests shared evenly between the reads, in a fixed shuffled order; ``write_share`` of them
    check-ins instead."""
    writes = round(count * write_share)
    reads = _endpoints()
    jobs = [reads[i % len(reads)] for i in range(max(len(reads), count - writes))]
    jobs += [(str(CHECK_IN), "", True)] * writes
    random.Random(seed).shuffle(jobs)
    return jobs


def run(
    actor: Actor,
    *,
    requests: int = 2_000,
    clients: int = 32,
    workers: int = 0,
    warm_rounds: int = 3,
    page_memory: bool = True,
    write_share: float = 0.0,
) -> tuple[LoadResult, LoadResult, LoadResult]:
    """Each endpoint's first answer (nothing remembered), the baseline — one client alone, a tenth as many
    requests: what each request costs the server — and then ``requests`` requests from ``clients`` clients at once,
    ``write_share`` of them check-ins (each one changes the workspace: the pages after it are computed again)."""
    port = _free_port()
    workers = workers or default_workers()
    key_results = list(
        KeyResult.objects.filter(workspace=actor.workspace).order_by("id").values_list("id", flat=True)[:500]
    )
    chance = random.Random(8)
    with _signed_in(actor, write_share > 0) as headers, _production_server(port, workers, page_memory):

        def send(endpoint: tuple[str, str, bool]) -> tuple[str, float, bool]:
            name, path, via_api = endpoint
            body = None
            if name == str(CHECK_IN):
                path = f"/api/v1/key-results/{chance.choice(key_results)}/check-ins"
                body = json.dumps({"value": round(chance.uniform(0, 100), 1)})
            seconds, ok = _send(port, path, headers["api" if via_api else "page"], body)
            return name, seconds, ok

        first = _measure(send, _endpoints(), 1, workers)
        # warm every worker: enough rounds of each endpoint that each process has served it
        _measure(send, [e for e in _endpoints() for _round in range(workers * warm_rounds)], clients, workers)
        alone = _measure(send, _jobs(max(len(_endpoints()) * 10, requests // 10), seed=6), 1, workers)
        loaded = _measure(send, _jobs(requests, seed=7, write_share=write_share), clients, workers)
    return first, alone, loaded
