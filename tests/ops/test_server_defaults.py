"""What a server gets with nothing tuned: persistent connections checked before reuse (production), none under
runserver (local); sessions shared between processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], settings.SESSION_ENGINE]))"
)
DB = "django.contrib.sessions.backends.db"


def settings_of(module: str, **env: str) -> list:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONN_", "SESSION_", "DJANGO_SETTINGS"))}
    clean.update(DJANGO_SETTINGS_MODULE=module, SECRET_KEY="x" * 60, ALLOWED_HOSTS="loyalty.example.com", **env)
    out = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("module", "env", "expected"),
    [
        (
            "loyalty.settings.production",
            {"REDIS_URL": "redis://127.0.0.1:6379/0"},
            [600, True, "django.contrib.sessions.backends.cached_db"],
        ),
        (
            "loyalty.settings.production",
            {"REDIS_URL": "", "CACHE_URL": ""},
            [600, True, DB],
        ),
        ("loyalty.settings.production", {"CONN_MAX_AGE": "0", "REDIS_URL": "", "CACHE_URL": ""}, [0, True, DB]),
        ("loyalty.settings.local", {"REDIS_URL": "", "CACHE_URL": ""}, [0, True, DB]),
    ],
)
def test_server_defaults(module, env, expected):
    assert settings_of(module, **env) == expected


def test_a_web_server_started_without_settings_runs_production_settings():
    """``gunicorn loyalty.wsgi`` with DJANGO_SETTINGS_MODULE unset: production (never the newcomer's DEBUG mode),
    although the package imports the Celery app first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONN_", "DJANGO_SETTINGS", "DEBUG"))}
    env.update(SECRET_KEY="x" * 60, ALLOWED_HOSTS="loyalty.example.com")
    code = (
        "import os, loyalty.wsgi; from django.conf import settings; "
        "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.DEBUG, settings.DATABASES['default']['CONN_MAX_AGE'])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split()[-3:] == ["loyalty.settings.production", "False", "600"], out.stderr
