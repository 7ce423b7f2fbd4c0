"""The circle planner in a real headless Chromium (Debian's package, driven by Selenium).

producer1 signs in and lands on the planner, asks for three needs from a demo hotel, sees ranked plans
whose set names, minutes and prices are the circle-plan and quote APIs' answers, sees the schematic map
drawn (a stop's tooltip shows its sets and prices), books the first plan in one click and sees three
holds with their expiry; operator1's board lists the three requests. The search tab finds the free
sets nearest first and requests one. The pages fit 1366 px and 375 px, in Chinese and in English.
"""

from datetime import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.models import Booking
from studio.models import Membership
from tests.browser import open_browser, wait
from tests.clock import pin_now
from tests.factories import (
    PASSWORD,
    BaseFactory,
    CompanyFactory,
    MembershipFactory,
    OperatorFactory,
    PlaceFactory,
    ProductionFactory,
    SetFactory,
    UserFactory,
    ZoneFactory,
    token_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
DAY = "2026-12-08"
NEEDS = (("hospital_ward", "08:00", "10:00"), ("icu", "10:00", "12:00"), ("court", "13:00", "15:00"))


def _at(text: str) -> datetime:
    hour, minute = (int(part) for part in text.split(":"))
    return datetime(2026, 12, 8, hour, minute, tzinfo=TZ)


def _seed():
    zone = ZoneFactory(name="平原示范区", walk_minutes=3, circle_minutes=15)
    operator = OperatorFactory(name="平原影视基地运营")
    hotel = PlaceFactory(
        zone=zone, owner=operator, name="平原大酒店", latitude=Decimal("35.15"), longitude=Decimal("113.9")
    )
    for n, km in enumerate((1, 3, 5)):
        base = BaseFactory(
            operator=operator,
            zone=zone,
            name=f"平原影视基地{n + 1}号园",
            latitude=Decimal("35.150000") + Decimal(km) / 111,
            longitude=Decimal("113.900000") + Decimal(n) / 200,
            min_notice_minutes=60,
        )
        for kind, label in (("hospital_ward", "病房"), ("icu", "重症监护室"), ("court", "法庭")):
            SetFactory(base=base, kind=kind, name=f"{n + 1}号园{label}", hourly_rate=Decimal(200 + 60 * n))
    company = CompanyFactory(name="星河影视")
    ProductionFactory(company=company, title="闪婚总裁")
    producer = UserFactory(username="producer1")
    MembershipFactory(user=producer, organization=company, role=Membership.Role.COORDINATOR)
    operator_user = UserFactory(username="operator1")
    MembershipFactory(user=operator_user, organization=operator, role=Membership.Role.OWNER)
    return hotel, producer, operator_user


def _api_answer(producer, hotel):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(producer)}")
    items = [{"kind": kind, "from": _at(a).isoformat(), "to": _at(b).isoformat()} for kind, a, b in NEEDS]
    plans = api.post(
        "/api/v1/circle-plans/",
        {"origin": {"place": hotel.pk}, "items": items, "within_minutes": 15},
        format="json",
    ).json()["plans"]
    answer = []
    for plan in plans:
        legs = []
        for leg in plan["legs"]:
            _kind, a, b = NEEDS[leg["item"]]
            body = {"set": leg["set"]["id"], "starts_at": _at(a).isoformat(), "ends_at": _at(b).isoformat()}
            total = api.post("/api/v1/bookings/quote/", body, format="json").json()["total"]
            legs.append((leg["set"]["name"], leg["travel_minutes"], Decimal(total)))
        answer.append((plan["total_minutes"], legs))
    return answer


def _language(driver) -> str:
    """The page's language, read in one script call (an element found before a reload goes stale)."""
    return driver.execute_script("return document.documentElement.lang")


def _no_horizontal_overflow(driver) -> bool:
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_producer_plans_a_day_and_books_it_in_one_click(live_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    with pin_now(NOW):
        hotel, producer, operator_user = _seed()
        expected = _api_answer(producer, hotel)
        assert len(expected) >= 2
        with open_browser(tmp_path / "producer", width=1366, height=768) as driver:
            driver.get(f"{live_server.url}/accounts/login/")
            driver.find_element(By.NAME, "username").send_keys("producer1")
            driver.find_element(By.NAME, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-planner-form]")))
            assert driver.current_url == f"{live_server.url}/app/circle/"
            assert _language(driver) == "zh-hans"
            assert _no_horizontal_overflow(driver)
            driver.save_screenshot(str(tmp_path / "planner-form-zh-1366.png"))

            Select(driver.find_element(By.NAME, "origin")).select_by_visible_text("平原大酒店")
            driver.execute_script(f"document.querySelector('[name=date]').value = '{DAY}'")
            for index, (kind, start, end) in enumerate(NEEDS):
                Select(driver.find_element(By.NAME, f"kind_{index}")).select_by_value(kind)
                driver.execute_script(
                    "document.querySelector(arguments[0]).value = arguments[1];"
                    "document.querySelector(arguments[2]).value = arguments[3];",
                    f"[name=from_{index}]",
                    start,
                    f"[name=to_{index}]",
                    end,
                )
            driver.find_element(By.CSS_SELECTOR, "[data-action=plan]").click()
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.plan")))

            drawn = []
            for card in driver.find_elements(By.CSS_SELECTOR, "article.plan"):
                legs = [
                    (
                        leg.find_element(By.TAG_NAME, "strong").text,
                        int(leg.get_attribute("data-minutes")),
                        Decimal(leg.get_attribute("data-price")),
                    )
                    for leg in card.find_elements(By.CSS_SELECTOR, "li[data-leg]")
                ]
                drawn.append((int(card.get_attribute("data-total-minutes")), legs))
                assert Decimal(card.get_attribute("data-total-price")) == sum(price for *_rest, price in legs)
            assert drawn == expected
            wait(driver, 15).until(
                ec.presence_of_element_located(
                    (By.CSS_SELECTOR, "[data-chart=circle-map][data-ready='1'] svg")
                )
            )
            assert _no_horizontal_overflow(driver)
            driver.save_screenshot(str(tmp_path / "planner-zh-1366.png"))
            # hovering the first stop of plan 1 shows its sets with their prices
            show_tip = "{type: 'showTip', seriesIndex: 5, dataIndex: 0}"
            driver.execute_script(
                "var el = document.querySelector('[data-chart=circle-map]');"
                f"echarts.getInstanceByDom(el).dispatchAction({show_tip});"
            )
            tip = wait(driver, 10).until(
                lambda d: next(
                    (t for t in d.find_elements(By.CSS_SELECTOR, ".map-panel div") if "¥" in t.text), None
                )
            )
            first_name, _minutes, first_price = expected[0][1][0]
            assert first_name in tip.text and f"¥{first_price}" in tip.text
            driver.find_element(By.CSS_SELECTOR, ".map-panel").screenshot(str(tmp_path / "map-zh.png"))
            driver.execute_script(
                "echarts.getInstanceByDom(document.querySelector('[data-chart=circle-map]'))"
                ".dispatchAction({type: 'hideTip'});"
            )

            driver.execute_script("window.stillTheSamePage = true")
            driver.find_element(By.CSS_SELECTOR, "#plan-1 [data-action=book]").click()
            wait(driver, 15).until(
                ec.presence_of_element_located((By.CSS_SELECTOR, "#outcome-1 [data-booked]"))
            )
            holds = driver.find_elements(By.CSS_SELECTOR, "#outcome-1 [data-booking-id]")
            assert len(holds) == 3
            assert all(h.get_attribute("data-status") == "held" for h in holds)
            assert len(driver.find_elements(By.CSS_SELECTOR, "#outcome-1 [data-hold-expires]")) == 3
            assert driver.execute_script("return window.stillTheSamePage") is True
            bookings = list(Booking.objects.filter(requested_by=producer).order_by("starts_at"))
            assert [b.set.name for b in bookings] == [name for name, *_rest in expected[0][1]]
            assert {b.status for b in bookings} == {Booking.Status.HELD}
            driver.save_screenshot(str(tmp_path / "planner-booked-zh-1366.png"))

            driver.set_window_size(375, 812)
            assert _no_horizontal_overflow(driver)
            driver.save_screenshot(str(tmp_path / "planner-zh-375.png"))
            driver.find_element(By.CSS_SELECTOR, "form.language button[value=en]").click()
            wait(driver, 15).until(lambda d: _language(d) == "en")
            assert "Book this plan" in driver.page_source
            assert _no_horizontal_overflow(driver)
            driver.save_screenshot(str(tmp_path / "planner-en-375.png"))
            driver.set_window_size(1366, 768)
            assert _no_horizontal_overflow(driver)
            driver.save_screenshot(str(tmp_path / "planner-en-1366.png"))

            # the search tab: free ICUs 10:00–12:00 near the hotel, nearest first, each with a request button
            driver.find_element(By.CSS_SELECTOR, "[data-tab=search]").click()
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-search-form]")))
            Select(driver.find_element(By.NAME, "origin")).select_by_visible_text("平原大酒店")
            driver.execute_script(
                f"document.querySelector('[name=date]').value = '{DAY}';"
                "document.querySelector('[name=start]').value = '10:00';"
                "document.querySelector('[name=end]').value = '12:00';"
            )
            Select(driver.find_element(By.NAME, "kind")).select_by_value("icu")
            driver.find_element(By.CSS_SELECTOR, "[data-action=search]").click()
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "tr[data-set-id]")))
            rows = driver.find_elements(By.CSS_SELECTOR, "tr[data-set-id]")
            minutes = [int(row.get_attribute("data-minutes")) for row in rows]
            assert minutes == sorted(minutes) and len(rows) == 2  # the booked ICU is no longer free
            for width, language in ((1366, "en"), (375, "en"), (375, "zh-hans"), (1366, "zh-hans")):
                if _language(driver) != language:
                    driver.find_element(By.CSS_SELECTOR, "form.language button[type=submit]").click()
                    wait(driver, 15).until(lambda d, language=language: _language(d) == language)
                driver.set_window_size(width, 812)
                assert _no_horizontal_overflow(driver)
                driver.save_screenshot(str(tmp_path / f"search-{language}-{width}.png"))
            rows[0] = driver.find_element(By.CSS_SELECTOR, "tr[data-set-id]")
            rows[0].find_element(By.CSS_SELECTOR, "[data-action=request]").click()
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "tr [data-booked]")))
            assert Booking.objects.filter(requested_by=producer).count() == 4

        # operator1's board lists the three requests
        board = Client()
        board.force_login(operator_user)
        listed = set()
        for base_id in {b.set.base_id for b in bookings}:
            page = board.get("/app/board/", {"base": base_id, "date": DAY}).content.decode()
            listed |= {b.pk for b in bookings if f'data-booking-id="{b.pk}"' in page}
        assert listed == {b.pk for b in bookings}

    shots = ("planner-zh-1366", "planner-zh-375", "planner-en-375", "planner-en-1366", "search-zh-hans-375")
    for name in shots:
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
