"""Benchmark: time to first render of the roadmap timeline in headless Chromium, 10,000 items against 100.

Builds a throw-away database in a temporary folder, serves it with the development server on a free loopback
port, and measures in Debian's Chromium from navigation start until the timeline has drawn its first items. The
small roadmap is the baseline measured in the same run. It reads the clock: a benchmark, never a test.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
PASSWORD = "bench-password-123"

SEED_SCRIPT = """
import datetime as dt, random, sys
import django
django.setup()
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.roadmap.models import Contribution, Dependency, WorkItem
from northstar.workspaces.models import Membership, Team, TeamMember, User, Workspace

def build(email, slug, n):
    rng = random.Random(7)
    user = User.objects.create_user(email, "PASSWORD", name=slug)
    ws = Workspace.objects.create(name=slug, slug=slug)
    Membership.objects.create(workspace=ws, user=user, role="owner")
    company = Team.objects.create(workspace=ws, key="company", name="Company")
    teams = [company] + [Team.objects.create(workspace=ws, key=f"t{i}", name=f"Team {i}", parent=company) for i in range(8)]
    TeamMember.objects.create(workspace=ws, team=company, user=user)
    today = dt.date.today()
    period = Period.objects.create(workspace=ws, key="y", name="Year", kind="year",
                                   start=today - dt.timedelta(days=180), end=today + dt.timedelta(days=185))
    krs = []
    for i in range(10):
        o = Objective.objects.create(workspace=ws, key=f"o{i}", title=f"Objective {i}", team=teams[i % 9],
                                     period=period, position=i)
        krs += [KeyResult.objects.create(workspace=ws, objective=o, key=f"o{i}k{j}", title=f"KR {i}.{j}",
                                         kind="increase", start=0, target=10) for j in range(3)]
    items = []
    for i in range(n):
        start = today + dt.timedelta(days=rng.randint(-300, 400))
        milestone = rng.random() < 0.1
        end = start if milestone else start + dt.timedelta(days=rng.randint(3, 60))
        items.append(WorkItem(workspace=ws, key=f"w{i}", title=f"Work item {i}", team=teams[i % 9],
                              kind="milestone" if milestone else "task", start=start, end=end, position=i))
    items = WorkItem.objects.bulk_create(items, batch_size=2000)
    Contribution.objects.bulk_create([Contribution(workspace=ws, work_item=w, key_result=rng.choice(krs), weight=1)
                                      for w in items if rng.random() < 0.85], batch_size=2000)
    deps, seen = [], set()
    for _ in range(n // 2):
        a, b = sorted(rng.sample(range(n), 2))
        if (a, b) not in seen:
            seen.add((a, b))
            deps.append(Dependency(workspace=ws, predecessor=items[a], successor=items[b]))
    Dependency.objects.bulk_create(deps, batch_size=2000)

build("small@bench.example", "small", int(sys.argv[1]))
build("large@bench.example", "large", int(sys.argv[2]))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(env: dict[str, str], port: int) -> Iterator[str]:
    northstar = [sys.executable, "-m", "northstar.cli"]
    proc = subprocess.Popen(
        [*northstar, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/login/", timeout=1)
                break
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _first_render_ms(base: str, email: str, runs: int) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    best, drawn = float("inf"), 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for _ in range(runs):
            page.goto(f"{base}/roadmap/", wait_until="commit")
            page.wait_for_selector(".vis-item", state="attached", timeout=120_000)
            elapsed = page.evaluate("performance.now()")
            drawn = page.evaluate("document.querySelectorAll('.vis-item').length")
            best = min(best, float(elapsed))
        browser.close()
    return best, int(drawn)


def run(large: int = 10_000, small: int = 100, runs: int = 3) -> dict[str, float]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian's chromium is needed: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "NORTHSTAR_VAR_DIR": tmp,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "northstar.settings",
        }
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-m", "northstar.cli", "migrate"], env=env, check=True, capture_output=True
        )
        seed = SEED_SCRIPT.replace('"PASSWORD"', repr(PASSWORD))
        subprocess.run([sys.executable, "-c", seed, str(small), str(large)], env=env, check=True)
        with _server(env, _free_port()) as base:
            small_ms, small_drawn = _first_render_ms(base, "small@bench.example", runs)
            large_ms, large_drawn = _first_render_ms(base, "large@bench.example", runs)
    return {
        "small_items": small,
        "large_items": large,
        "small_ms": small_ms,
        "large_ms": large_ms,
        "ratio": large_ms / small_ms,
        "large_drawn": large_drawn,
        "small_drawn": small_drawn,
    }
