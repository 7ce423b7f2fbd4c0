"""The production page in a real headless Chromium: producer1 opens a production from the menu, asks
what cancelling a booking costs, cancels it in place (no page load) and the spend follows; the page
fits 1366 px and 375 px in Chinese and in English (screenshots taken, no horizontal overflow)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.models import Booking
from tests.bookings.conftest import make_world, pin_now
from tests.browser import open_browser, wait
from tests.factories import BookingFactory, ReviewCentreFactory, ReviewSubmissionFactory
from tests.workspace_browser import LAPTOP, PHONE, check_fits, check_phone_and_english, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Booking.Status
TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)


def test_a_producer_cancels_a_booking_from_the_production_page(live_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    with pin_now(NOW):
        world = make_world()
        world.company_user.username = "producer1"
        world.company_user.save(update_fields=["username"])
        production = world.production
        production.title = "闪婚总裁之一个名字很长很长很长的短剧项目"
        production.save(update_fields=["title"])
        kept = BookingFactory(
            set=world.sets[0],
            production=production,
            starts_at=datetime(2026, 12, 9, 8, tzinfo=TZ),
            ends_at=datetime(2026, 12, 9, 20, tzinfo=TZ),
            total_price=Decimal("3600.00"),
        )
        # 31 hours ahead: the default policy's 50% tier, 600.00 of 1200.00
        cancelled = BookingFactory(
            set=world.sets[1],
            production=production,
            starts_at=NOW + timedelta(hours=31),
            ends_at=NOW + timedelta(hours=35),
            total_price=Decimal("1200.00"),
        )
        with open_browser(tmp_path / "producer", width=LAPTOP[0], height=LAPTOP[1]) as driver:
            sign_in(driver, live_server, "producer1")
            driver.get(f"{live_server.url}/app/productions/")
            driver.find_element(By.CSS_SELECTOR, f"[data-production-id='{production.pk}'] a").click()
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-spend]")))
            total = driver.find_element(By.CSS_SELECTOR, "[data-spend] dd[data-total]")
            assert total.get_attribute("data-total") == "4800.00"
            wait(driver, 15).until(  # the weekly chart drawn from the spend JSON
                ec.presence_of_element_located(
                    (By.CSS_SELECTOR, "[data-chart=production-spend][data-ready] svg")
                )
            )
            check_fits(driver, tmp_path, "production-zh-1366")
            driver.execute_script("window.stillTheSamePage = true")

            row = f"#booking-{cancelled.pk}"
            driver.find_element(By.CSS_SELECTOR, f"{row} [data-action=quote]").click()
            quote = wait(driver, 15).until(
                ec.visibility_of_element_located((By.CSS_SELECTOR, f"{row} [data-quote-fee]"))
            )
            assert quote.get_attribute("data-quote-fee") == "600.00"
            driver.find_element(By.CSS_SELECTOR, f"{row} [data-action=cancel]").click()
            wait(driver, 15).until(
                lambda d: d.find_element(By.CSS_SELECTOR, row).get_attribute("data-status") == "cancelled"
            )
            charged = driver.find_element(By.CSS_SELECTOR, f"{row} [data-fee-charged]")
            assert charged.get_attribute("data-fee-charged") == "600.00"
            wait(driver, 15).until(
                lambda d: (
                    d.find_element(By.CSS_SELECTOR, "[data-spend] dd[data-total]").get_attribute("data-total")
                    == "4200.00"
                )  # 3600 booked + 600 fee
            )
            assert driver.execute_script("return window.stillTheSamePage") is True
            cancelled.refresh_from_db()
            kept.refresh_from_db()
            assert (cancelled.status, cancelled.cancellation_fee) == (Status.CANCELLED, Decimal("600.00"))
            assert kept.status == Status.CONFIRMED

            check_phone_and_english(driver, tmp_path, "production", "Spend on sets")


def test_at_375_px_the_tables_headings_stay_on_one_line_and_scroll_in_their_frame(live_server, tmp_path):
    """Chinese wraps between any two characters: without a floor, the review table's ten columns shrank to
    one character each at phone width (审/查/中/心 stacked); its headings now set the columns' width."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    with pin_now(NOW):
        world = make_world()
        centre = ReviewCentreFactory(name="平原示范区微短剧审查服务分中心")
        ReviewSubmissionFactory(production=world.production, centre=centre, created_by=world.company_user)
        with open_browser(tmp_path / "phone", width=PHONE[0], height=PHONE[1]) as driver:
            sign_in(driver, live_server, world.company_user.username)
            driver.get(f"{live_server.url}/app/productions/{world.production.pk}/")
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-submissions]")))
            lines = driver.execute_script(
                """return [...document.querySelectorAll('table.grid th')].map(th => {
                     const range = document.createRange(); range.selectNodeContents(th);
                     const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                     return [th.innerText, tops.size]; });"""
            )
            assert lines and all(count <= 1 for _text, count in lines), lines
            check_fits(driver, tmp_path, "production-tables-zh-375")
