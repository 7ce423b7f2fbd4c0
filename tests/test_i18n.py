"""Chinese by default; ``Accept-Language: en`` switches API messages to English."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_default_language_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_api_errors_are_chinese_by_default():
    response = APIClient().get("/api/v1/productions/")
    assert response.status_code == 401
    assert response.json()["detail"] == "身份认证信息未提供。"
    assert response["Content-Language"] == "zh-hans"


def test_accept_language_en_switches_api_errors_to_english():
    response = APIClient().get("/api/v1/productions/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


@pytest.fixture
def client(member, api):
    company = CompanyFactory()
    return api(member(company), company)


def test_config_messages_are_translated(client):
    chinese = client.get("/api/v1/productions/?page_size=0").json()
    assert chinese["fields"]["page_size"] == ["必须在 1 到 200 之间。"]
    assert chinese["detail"] == "输入无效：page_size：必须在 1 到 200 之间。"
    english = client.get("/api/v1/productions/?page_size=0", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").json()
    assert english["fields"]["page_size"] == ["Must be between 1 and 200."]
    assert english["detail"] == "Invalid input: page_size: Must be between 1 and 200."


def test_unknown_field_and_ordering_messages_follow_the_language(client):
    chinese = client.post("/api/v1/productions/", {"colour": "red"}, format="json").json()
    assert chinese["fields"]["colour"] == ["未知字段。"]
    english = client.post("/api/v1/productions/", {"colour": "red"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["fields"]["colour"] == ["Unknown field."]
    ordering = client.get("/api/v1/productions/?ordering=budget", HTTP_ACCEPT_LANGUAGE="en").json()
    assert ordering["fields"]["ordering"][0].startswith("Unknown ordering field(s): budget.")


def test_django_level_404_under_api_is_translated():
    assert APIClient().get("/api/v1/nothing-here/").json()["detail"] == "未找到。"
    english = APIClient().get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"] == "Not found."


def test_unsupported_language_falls_back_to_chinese():
    response = APIClient().get("/api/v1/productions/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["detail"] == "身份认证信息未提供。"


@pytest.mark.parametrize(
    ("model", "field", "chinese"),
    [
        # The same English word means different things in different apps; each keeps its own Chinese.
        ("crews.Person", "name", "姓名"),
        ("crews.Person", "email", "邮箱"),
        ("crews.Person", "is_active", "在用"),
        ("crews.Person", "day_rate", "日薪（元）"),
        ("crews.Call", "role", "职务"),
        ("crews.Crew", "company", "公司"),
        ("bookings.Booking", "company", "制作公司"),
        ("bookings.WaitlistEntry", "company", "制作公司"),
        ("crews.Scene", "description", "内容"),
        ("locations.Set", "is_active", "上架"),
        ("locations.Set", "day_rate", "包天价（元）"),
        ("locations.Set", "name", "名称"),
        ("notifications.WebhookEndpoint", "is_active", "启用"),
        ("notifications.Event", "actor", "操作人"),
        ("studio.Membership", "is_active", "有效"),
    ],
)
def test_words_shared_by_apps_keep_each_apps_chinese(model, field, chinese):
    from django.apps import apps
    from django.utils import translation

    label = apps.get_model(model)._meta.get_field(field).verbose_name
    with translation.override("zh-hans"):
        assert str(label) == chinese
    with translation.override("en"):
        assert str(label) != chinese


def test_the_actor_role_is_a_performer_not_whoever_acted():
    from django.utils import translation

    from crews.models import Role

    with translation.override("zh-hans"):
        assert str(Role.ACTOR.label) == "演员"


def test_a_request_in_english_leaves_english_active_in_its_thread(client):
    """What the next test would inherit without the suite's ``_default_language`` fixture."""
    from django.utils import translation

    client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert translation.get_language() == "en"


def test_the_next_test_starts_in_chinese_again():
    """Runs right after the test above (same module, same worker): the language did not leak."""
    from django.utils import translation

    assert translation.get_language() == "zh-hans"


def _message_strings():
    """Every literal ``_``/``gettext``/``pgettext`` string of the message builders, with its context."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sources = [*root.glob("*/messages.py"), *(root / "notifications" / "messages").glob("*.py")]
    found = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            literals = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if node.func.id in {"_", "gettext", "gettext_lazy"} and len(literals) == 1:
                found.add((None, literals[0], path.name))
            elif node.func.id in {"pgettext", "pgettext_lazy"} and len(literals) == 2:
                found.add((literals[0], literals[1], path.name))
    return found


def test_every_string_of_the_messages_has_its_chinese():
    """An email or WeCom message never falls back to English in zh-hans: each string the builders ask for
    is in a catalogue (whichever app's), context included."""
    from django.utils import translation
    from django.utils.translation import trans_real

    strings = _message_strings()
    assert len(strings) > 150  # the builders of every app were read
    catalog = trans_real.translation("zh-hans")._catalog
    with translation.override("zh-hans"):
        missing = sorted(
            (context or "", message, where)
            for context, message, where in strings
            if (f"{context}\x04{message}" if context else message) not in catalog
        )
    assert missing == []
