"""A request body that is not JSON is refused in the request's language, in the error envelope."""

import pytest

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(member, api):
    company = CompanyFactory()
    return api(member(company), company)


def _post(client, raw: bytes, **headers):
    return client.generic("POST", "/api/v1/productions/", raw, content_type="application/json", **headers)


def test_json_syntax_error_is_chinese_by_default(client):
    response = _post(client, b'{"title": "x",\n "kind": }')
    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "detail": "请求正文不是有效的 JSON（第 2 行，第 10 列）。",
        "fields": {},
    }


def test_json_syntax_error_follows_accept_language(client):
    response = _post(client, b'{"title": "x",\n "kind": }', HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON (line 2, column 10)."
    assert _post(client, b"\xff\xfe{", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == (
        "The request body is not valid UTF-8 text."
    )
    assert _post(client, b"\xff\xfe{").json()["detail"] == "请求正文不是有效的 UTF-8 文本。"
