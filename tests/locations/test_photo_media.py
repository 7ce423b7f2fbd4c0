"""An uploaded set photo can be fetched back through the URL the API answers with.

Embedded default: the file under MEDIA_ROOT, served at /media/ (config/media.py). Object storage: an S3
API (moto's server on the loopback, standing in for MinIO or Aliyun OSS) behind django-storages
(config/storage.py), the answer a presigned link to it.
"""

import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from studio.models import Membership
from tests.factories import BaseFactory, OperatorFactory, SetFactory

pytestmark = pytest.mark.django_db
BUCKET = "shooting-circle-media"
BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def upload(member, api):
    """``upload(content)`` → the URL the API gives for a photo of one of the operator's sets."""
    operator = OperatorFactory()
    client = api(member(operator, role=Membership.Role.MANAGER), operator)
    set_ = SetFactory(base=BaseFactory(operator=operator))

    def post(content: bytes) -> str:
        photo = SimpleUploadedFile("ward.png", content, content_type="image/png")
        response = client.post(f"/api/v1/sets/{set_.pk}/photos/", {"image": photo}, format="multipart")
        assert response.status_code == 201, response.json()
        return response.json()["image"]

    return post


def test_photo_is_served_from_media_root_without_object_storage(upload, client, settings):
    settings.SERVE_MEDIA = True
    content = _png()
    url = upload(content)
    path = urlsplit(url).path
    assert path.startswith("/media/sets/")
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/png"


def test_media_root_serves_set_photos_only_and_only_when_asked(upload, client, settings):
    settings.SERVE_MEDIA = True
    private = settings.MEDIA_ROOT / "review" / "1" / "script.pdf"
    private.parent.mkdir(parents=True)
    private.write_bytes(b"%PDF- a script under review")
    assert client.get("/media/review/1/script.pdf").status_code == 404
    assert client.get("/media/sets/../review/1/script.pdf").status_code == 404
    path = urlsplit(upload(_png())).path
    settings.SERVE_MEDIA = False
    assert client.get(path).status_code == 404


@pytest.fixture
def s3_server():
    """An S3 API on the loopback (moto), with the bucket created: ``http://127.0.0.1:<port>``."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test-key",
            aws_secret_access_key="test-secret",  # noqa: S106
        )
        s3.create_bucket(Bucket=BUCKET)
        yield endpoint, s3
    finally:
        server.stop()


def _object_storage(settings, endpoint, public_endpoint=None):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "config.storage.MediaStorage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "public_endpoint_url": public_endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "access_key": "test-key",
                "secret_key": "test-secret",
                "file_overwrite": False,
            },
        },
    }
    settings.SERVE_MEDIA = False


def _fetch(url: str) -> requests.Response:
    assert urlsplit(url).hostname in {"127.0.0.1", "localhost"}, url  # the loopback only
    with requests.Session() as session:
        session.trust_env = False  # no proxy between the test and the loopback
        return session.get(url, timeout=10)


def test_photo_goes_to_object_storage_and_comes_back_through_its_link(upload, s3_server, settings):
    endpoint, s3 = s3_server
    _object_storage(settings, endpoint)
    content = _png()
    url = upload(content)
    assert url.startswith(f"{endpoint}/{BUCKET}/sets/")
    assert "X-Amz-Signature=" in url  # the bucket stays private: the link is presigned
    key = urlsplit(url).path.removeprefix(f"/{BUCKET}/")
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == content
    response = _fetch(url)
    assert response.status_code == 200
    assert response.content == content


def test_link_is_signed_for_the_address_people_reach_the_store_at(upload, s3_server, settings):
    endpoint, _s3 = s3_server
    port = urlsplit(endpoint).port
    _object_storage(settings, endpoint, public_endpoint=f"http://localhost:{port}")
    content = _png()
    url = upload(content)
    assert url.startswith(f"http://localhost:{port}/{BUCKET}/sets/")
    assert _fetch(url).content == content


def _compose_app_environment() -> dict[str, str]:
    """The web/worker environment of docker-compose.yml, every ``${NAME:-default}`` at its default."""
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    environment = compose["x-app"]["environment"]
    default = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")
    return {name: default.sub(r"\1", str(value)) for name, value in environment.items()}


@pytest.mark.slow  # a manage.py process
def test_compose_settings_store_photos_in_the_bucket_and_link_them(s3_server, tmp_path):
    """docker-compose.yml's own settings, with MinIO's address swapped for the S3 API on the loopback."""
    endpoint, s3 = s3_server
    env = _compose_app_environment()
    assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert env["AWS_STORAGE_BUCKET_NAME"] == BUCKET  # the bucket minio-bucket creates
    env.update(
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_PUBLIC_ENDPOINT_URL=endpoint,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
    )
    content = _png()
    script = (
        "import sys; from django.conf import settings; from django.core.files.base import ContentFile;"
        "from django.core.files.storage import default_storage as s;"
        "assert not settings.SERVE_MEDIA;"
        "name = s.save('sets/1/ward.png', ContentFile(sys.stdin.buffer.read()));"
        "print(type(s._wrapped).__name__, s.url(name))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_"))}, **env},
        input=content,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    backend, url = result.stdout.decode().splitlines()[-1].split()
    assert backend == "MediaStorage"
    assert url.startswith(f"{endpoint}/{BUCKET}/sets/1/ward")
    assert _fetch(url).content == content
