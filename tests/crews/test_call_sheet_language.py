"""The public call sheet is in the company's language whatever the browser's; ``?lang=en`` asks otherwise."""

import pytest

from crews import services
from tests.crews.test_call_sheets import sheet_day  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_english_browser_gets_the_companys_chinese_sheet(sheet_day, api):  # noqa: F811
    sheet = services.shoot_day_publish(shoot_day=sheet_day.day, by=sheet_day.user)
    recipient = sheet.recipients.get(person=sheet_day.people["lead"])
    anonymous = api()

    for token in (recipient.token, sheet.token):
        page = anonymous.get(f"/api/v1/call-sheets/public/{token}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        html = page.content.decode()
        assert page.status_code == 200 and page["Content-Language"] == "zh-hans"
        assert '<html lang="zh-hans">' in html and "通告单" in html and "集合" in html
        assert "call sheet" not in html and "Crew call" not in html

    asked = anonymous.get(f"/api/v1/call-sheets/public/{recipient.token}/?lang=en")
    html = asked.content.decode()
    assert asked["Content-Language"] == "en" and '<html lang="en">' in html
    assert "call sheet" in html and "通告单" not in html
    assert f"/api/v1/call-sheets/public/{recipient.token}/acknowledge/?lang=en" in html

    acknowledged = anonymous.post(
        f"/api/v1/call-sheets/public/{recipient.token}/acknowledge/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert acknowledged["Content-Language"] == "zh-hans" and "通告单" in acknowledged.content.decode()
    in_english = anonymous.post(f"/api/v1/call-sheets/public/{recipient.token}/acknowledge/?lang=en")
    assert "call sheet" in in_english.content.decode()


def test_an_unknown_lang_falls_back_to_the_companys(sheet_day, api):  # noqa: F811
    sheet = services.shoot_day_publish(shoot_day=sheet_day.day, by=sheet_day.user)
    page = api().get(f"/api/v1/call-sheets/public/{sheet.token}/?lang=xx", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and page["Content-Language"] == "zh-hans"
