"""Production settings pass Django's deployment checks, and refuse to start without a secret key."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args, env_overrides: dict, drop: tuple = ()) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path):
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "api.shooting-circle.example,admin.shooting-circle.example",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }


@pytest.mark.slow  # a manage.py process
def test_check_deploy_passes_with_production_settings(production_env):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_debug_off_without_secret_key_refuses_to_start(production_env):
    del production_env["SECRET_KEY"]
    result = run_manage("check", env_overrides=production_env, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.slow  # a manage.py process
def test_check_deploy_catches_a_weak_secret_key(production_env):
    production_env["SECRET_KEY"] = "short"
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=production_env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
