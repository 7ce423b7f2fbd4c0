"""The admin speaks the reader's language (header, app names, table headers) and has CSS under gunicorn."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_admin_index_is_in_chinese(admin_client):
    body = admin_client.get("/admin/").content.decode()
    assert "拍摄圈管理后台" in body and "管理首页" in body
    assert ">机构与剧目</a>" in body and ">审查</a>" in body and ">剧组与拍摄</a>" in body
    for untranslated in ("Shooting Circle", "Studio", "Crews", "Model name", "Add link"):
        assert untranslated not in body, untranslated


def test_admin_index_in_english_names_apps_in_words(admin_client):
    body = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shooting Circle administration" in body
    assert ">Companies and productions</a>" in body and ">Script review</a>" in body
    assert ">Crews and shooting</a>" in body
    assert ">Studio<" not in body


PROBE = """
import io
from config.wsgi import application
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/static/admin/css/base.css", "QUERY_STRING": "",
           "SERVER_NAME": "localhost", "SERVER_PORT": "8000", "HTTP_HOST": "localhost",
           "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http"}
answer = {}
body = b"".join(application(environ, lambda status, headers: answer.update(status=status, headers=headers)))
print(answer["status"], dict(answer["headers"]).get("Content-Type"), b"#header" in body)
"""


@pytest.mark.request_seconds(60)
def test_admin_css_is_served_by_the_wsgi_app_with_debug():
    """What gunicorn runs (config.wsgi.application) serves the admin CSS with DEBUG=1, no collectstatic."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "STATIC_ROOT"}}
    env.update(
        DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", STATIC_ROOT=str(ROOT / "var" / "no-static")
    )
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.strip().splitlines()[-1] == '200 OK text/css; charset="utf-8" True'
