"""Production settings pass `manage.py check --deploy` with warnings counted as failures."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
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
