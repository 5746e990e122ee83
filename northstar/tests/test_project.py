"""Project-level guarantees: migrations match the models, production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"missing migration (exit {exc.code}):\n{out.getvalue()}")


def test_deploy_checks_pass_with_production_environment(tmp_path):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND"}
        },
        "SECRET_KEY": "x9!" + "k" * 60 + "Zq#2-production-like-secret",
        "ALLOWED_HOSTS": "okr.example.com",
        "DEBUG": "0",
        "NORTHSTAR_VAR_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_requirements_lock_names_no_package_index():
    lock = (ROOT / "requirements.lock").read_text()
    assert "://" not in lock and "--index-url" not in lock
    package_lock = (ROOT / "package-lock.json").read_text()
    assert '"resolved"' not in package_lock
