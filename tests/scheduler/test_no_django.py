"""The solver core runs on a JSON file alone: no module of it may import Django."""

import subprocess
import sys
from pathlib import Path

CORE = [
    "scheduler.problem",
    "scheduler.format",
    "scheduler.days",
    "scheduler.geo",
    "scheduler.candidates",
    "scheduler.model",
    "scheduler.model.warm_start",
    "scheduler.search",
    "scheduler.components",
    "scheduler.part",
    "scheduler.pricing",
    "scheduler.solve",
    "scheduler.diagnosis",
    "scheduler.checker",
    "scheduler.cli",
]


def test_core_modules_import_with_django_unimportable():
    code = (
        "import sys\n"
        "sys.modules['django'] = None  # any 'import django...' now raises ImportError\n"
        f"for name in {CORE!r}:\n"
        "    __import__(name)\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules"
        " if sys.modules[m] is not None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
