"""Production settings pass `manage.py check --deploy` with warnings counted as failures,
and refuse to start with request rates that each process would count on its own."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    ours = ("DJANGO_", "DATABASE_", "CACHE_", "API_THROTTLE_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return subprocess.run(
        [sys.executable, str(MANAGE), "check", "--deploy", "--fail-level", "WARNING"],
        env=clean | {"CITY_EVENTS_DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECURE": "1",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "events.hefei.example",
    "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",  # not connected to by the check
}


def test_production_settings_pass_the_deploy_check(tmp_path):
    checked = check_deploy(tmp_path, **PRODUCTION)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        ({"DJANGO_SECURE": "0"}, "security.W004"),
        ({"DJANGO_DEBUG": "1"}, "security.W018"),
        ({"DJANGO_HSTS_SECONDS": "0"}, "security.W004"),
    ],
)
def test_the_check_fails_without_them(tmp_path, change, warning):
    checked = check_deploy(tmp_path, **PRODUCTION | change)
    assert checked.returncode != 0 and warning in checked.stderr


def test_production_without_a_shared_cache_refuses_to_start(tmp_path):
    """Each gunicorn worker would grant the whole request rate again from its own memory."""
    production = {k: v for k, v in PRODUCTION.items() if k != "CACHE_REDIS_URL"}
    checked = check_deploy(tmp_path, **production)
    assert checked.returncode != 0
    error = checked.stderr.strip().splitlines()[-1]  # one line, naming what to set
    assert error.startswith("django.core.exceptions.ImproperlyConfigured: DJANGO_SECURE=1")
    assert "needs CACHE_REDIS_URL" in error


def test_production_without_rate_limits_needs_no_shared_cache(tmp_path):
    production = {k: v for k, v in PRODUCTION.items() if k != "CACHE_REDIS_URL"}
    checked = check_deploy(tmp_path, **production, API_THROTTLE_ANON="", API_THROTTLE_USER="")
    assert checked.returncode == 0, checked.stdout + checked.stderr
