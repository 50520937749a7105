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
