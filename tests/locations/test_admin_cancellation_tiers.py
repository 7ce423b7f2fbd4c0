"""The base admin shows the cancellation policy as tier rows in words and stores the API's JSON, sorted."""

import pytest
from django.test import Client
from django.urls import reverse

from locations.cancellation_tiers import TIER_ROWS
from locations.models import Base
from notifications.models import Event
from studio.models import Membership
from tests.admin_forms import change_form_data
from tests.factories import BaseFactory, MembershipFactory, OperatorFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db

DEFAULT = [
    {"hours_before": 72, "fee_percent": 0},
    {"hours_before": 24, "fee_percent": 50},
    {"hours_before": 0, "fee_percent": 100},
]
FIELD = "cancellation_policy"


def _member(operator, role=Membership.Role.MANAGER) -> Client:
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=operator, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def base():
    return BaseFactory(operator=OperatorFactory(), name="一号基地")


@pytest.fixture
def client(base):
    return _member(base.operator)


def _url(base) -> str:
    return reverse("admin:locations_base_change", args=[base.pk])


def _rows(data: dict, rows: list[tuple[str, str]]) -> dict:
    """``data`` with the tier rows replaced by ``rows`` (hours, fee), the rest of the rows blank."""
    data = {key: value for key, value in data.items() if not key.startswith(f"{FIELD}_")}
    for number in range(TIER_ROWS):
        hours, fee = rows[number] if number < len(rows) else ("", "")
        data[f"{FIELD}_{2 * number}"], data[f"{FIELD}_{2 * number + 1}"] = hours, fee
    return data


def _post_rows(client, base, rows, **headers):
    data = _rows(change_form_data(client.get(_url(base))), rows)
    return client.post(_url(base), data, **headers)


def _inputs(body: str, number: int) -> tuple[str, str]:
    """The values of a row's two inputs as the page renders them."""
    row = body.split(f'data-tier-row="{number}"', 1)[1].split("</tr>", 1)[0]
    values = []
    for index in (2 * number - 2, 2 * number - 1):
        tag = row.split(f'name="{FIELD}_{index}"', 1)[1].split(">", 1)[0]
        values.append(tag.split('value="', 1)[1].split('"', 1)[0] if 'value="' in tag else "")
    return tuple(values)


def test_the_change_page_shows_the_tiers_as_rows_with_their_values(client, base):
    body = client.get(_url(base)).content.decode()
    assert body.count("data-tier-row=") == TIER_ROWS
    assert " required " not in body.split("data-cancellation-tiers", 1)[1].split("</table>", 1)[0]
    assert [_inputs(body, number) for number in range(1, TIER_ROWS + 1)] == [
        ("72", "0"),
        ("24", "50"),
        ("0", "100"),
        ("", ""),
        ("", ""),
        ("", ""),
    ]
    assert "开始前至少" in body and "小时取消" in body and "价格的" in body
    english = client.get(_url(base), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cancelled at least" in english and "hours before the start" in english
    assert "% of the price" in english


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_reads_no_json_keys(client, base, language):
    body = client.get(_url(base), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "hours_before" not in body and "fee_percent" not in body
    body = _post_rows(client, base, [("24", "120")], HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "hours_before" not in body and "fee_percent" not in body


def test_saving_unsorted_rows_with_blanks_stores_the_sorted_list(client, base):
    data = _rows(change_form_data(client.get(_url(base))), [("", ""), ("2", "80"), ("", "")])
    data.update({f"{FIELD}_6": "48", f"{FIELD}_7": "12.5", f"{FIELD}_10": " 0 ", f"{FIELD}_11": "100"})
    response = client.post(_url(base), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    base.refresh_from_db()
    assert base.cancellation_policy == [
        {"hours_before": 48, "fee_percent": 12.5},
        {"hours_before": 2, "fee_percent": 80},
        {"hours_before": 0, "fee_percent": 100},
    ]
    changed = [event.payload["changed"] for event in Event.objects.filter(type="base.updated")]
    assert changed == [[FIELD]]


def test_saving_the_page_unchanged_changes_no_tier(client, base):
    # stored unsorted (the API keeps the order it was given)
    Base.objects.filter(pk=base.pk).update(cancellation_policy=list(reversed(DEFAULT)))
    response = client.post(_url(base), change_form_data(client.get(_url(base))))
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.cancellation_policy == list(reversed(DEFAULT))
    assert not Event.objects.filter(type="base.updated").exists()


ROW_ERRORS = [
    (
        [("72", "0"), ("24", "120")],
        "第 2 行：费用须为 0 到 100 之间的百分比。",
        "Row 2: the fee must be a percentage",
    ),
    (
        [("-3", "10")],
        "第 1 行：小时数须为不小于 0 的整数。",
        "Row 1: the hours must be a whole number, 0 or more.",
    ),
    (
        [("24", "50"), ("72", "0"), ("24", "60")],
        "第 1 行和第 3 行都是 24 小时：每个小时数只能填一次。",
        "Rows 1 and 3 both say 24 hours",
    ),
    (
        [("72", "0"), ("", "30")],
        "第 2 行：请同时填写小时数和费用，或都留空。",
        "Row 2: give both the hours and",
    ),
    ([], "请至少填写一行", "Give at least one row"),
]


@pytest.mark.parametrize(("rows", "chinese", "english"), ROW_ERRORS)
def test_a_bad_row_is_a_form_error_in_words_naming_it_and_nothing_is_saved(
    client, base, rows, chinese, english
):
    for language, words in (("zh-hans", chinese), ("en", english)):
        response = _post_rows(client, base, [*rows], HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert list(errors) == [FIELD], errors
        assert any(words in message for message in errors[FIELD]), errors[FIELD]
        assert words in response.content.decode()
    base.refresh_from_db()
    assert base.cancellation_policy == DEFAULT
    assert not Event.objects.filter(type="base.updated").exists()


def test_a_base_with_more_tiers_than_rows_shows_them_all_and_keeps_them(client, base):
    tiers = [{"hours_before": hours, "fee_percent": hours // 2} for hours in (168, 120, 96, 72, 48, 24, 0)]
    Base.objects.filter(pk=base.pk).update(cancellation_policy=tiers)
    page = client.get(_url(base))
    body = page.content.decode()
    assert body.count("data-tier-row=") == len(tiers) + 1  # one blank row to add a tier
    assert _inputs(body, 7) == ("0", "0") and _inputs(body, 8) == ("", "")
    data = change_form_data(page)
    data.update({f"{FIELD}_14": "12", f"{FIELD}_15": "90"})
    response = client.post(_url(base), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    base.refresh_from_db()
    assert len(base.cancellation_policy) == 8 and base.cancellation_policy[-2:] == [
        {"hours_before": 12, "fee_percent": 90},
        {"hours_before": 0, "fee_percent": 0},
    ]


def test_a_member_who_may_not_change_the_base_reads_the_tiers_in_words(base):
    reader = _member(base.operator, role=Membership.Role.MEMBER)
    response = reader.get(_url(base), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-tier-row" not in body and "hours_before" not in body
    assert "Cancelled at least 24 hours before the start: fee 50 % of the price" in body


def test_the_add_page_offers_the_default_tiers(client, base):
    body = client.get(reverse("admin:locations_base_add")).content.decode()
    assert [_inputs(body, number) for number in (1, 2, 3, 4)] == [
        ("72", "0"),
        ("24", "50"),
        ("0", "100"),
        ("", ""),
    ]


def test_a_base_added_in_the_admin_stores_its_rows_sorted(client, base):
    page = client.get(reverse("admin:locations_base_add"))
    data = _rows(change_form_data(page), [("0", "100"), ("", ""), ("12", "75")])
    data.update(
        {
            "operator": base.operator.pk,
            "zone": ZoneFactory().pk,
            "name": "二号基地",
            "latitude": "35.1",
            "longitude": "113.9",
            "opening_hours-TOTAL_FORMS": "0",
        }
    )
    response = client.post(reverse("admin:locations_base_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Base.objects.get(name="二号基地").cancellation_policy == [
        {"hours_before": 12, "fee_percent": 75},
        {"hours_before": 0, "fee_percent": 100},
    ]
