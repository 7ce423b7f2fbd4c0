"""The operator's day board in a real headless Chromium (Debian's package, driven by Selenium).

operator1 signs in and lands on today's board; the blocks per set match the board's selector; closed
hours and a blackout are drawn; a held booking is confirmed in place (no page load) and a second
desk sees it within the refresh interval; declining without a reason is refused in place; the page
fits 1366 px and 375 px in Chinese and in English (screenshots taken, no horizontal overflow).
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from bookings.models import Booking
from bookings.selectors import base_board
from locations.models import Blackout, OpeningHours
from notifications.models import Delivery, Event
from studio.models import Membership
from tests.bookings.conftest import make_world, pin_now
from tests.browser import open_browser, wait
from tests.factories import PASSWORD, BookingFactory, MembershipFactory, OperatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Booking.Status
TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 12, 8, 9, 30, tzinfo=TZ)  # a Tuesday morning
TODAY = NOW.replace(hour=0, minute=0)
REFRESH_SECONDS = 2


def _at(hour: int) -> datetime:
    return TODAY + timedelta(hours=hour)


def _seed():
    world = make_world()
    world.operator_user.username = "operator1"
    world.operator_user.save(update_fields=["username"])
    OpeningHours.objects.create(base=world.base, weekday=NOW.weekday(), opens=time(7), closes=time(23))
    Blackout.objects.create(set=world.sets[2], starts_at=_at(13), ends_at=_at(15), reason="设备检修")
    held = BookingFactory(
        set=world.sets[0], production=world.production, starts_at=_at(10), ends_at=_at(14), status=Status.HELD
    )
    other_held = BookingFactory(
        set=world.sets[1],
        production=world.productions[1],
        starts_at=_at(9),
        ends_at=_at(12),
        status=Status.HELD,
    )
    BookingFactory(set=world.sets[1], production=world.production, starts_at=_at(15), ends_at=_at(19))
    BookingFactory(set=world.sets[2], production=world.productions[2], starts_at=_at(8), ends_at=_at(12))
    return world, held, other_held


def _no_horizontal_overflow(driver) -> bool:
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_an_operator_runs_the_day_from_the_board(live_server, tmp_path, settings):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    settings.BOOKINGS_BOARD_REFRESH_SECONDS = REFRESH_SECONDS

    def sign_in(driver, username="operator1", lands_on="#board"):
        """Sign in; ``lands_on`` is the CSS selector of the home page's mark (None: any page but sign-in)."""
        driver.get(f"{live_server.url}/accounts/login/")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
        if lands_on is None:
            wait(driver, 15).until(lambda d: "/accounts/login/" not in d.current_url)
        else:
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, lands_on)))

    def sign_out(driver):
        driver.find_element(By.CSS_SELECTOR, "form[action='/accounts/logout/'] button").click()
        wait(driver, 15).until(ec.url_to_be(f"{live_server.url}/"))

    def status_page(driver, url):
        driver.get(url)
        return driver.find_element(By.CSS_SELECTOR, "[data-status-code]").get_attribute("data-status-code")

    def status_of(driver, booking):
        # one script call: the board may be swapped by its refresh between finding a block and reading it
        return driver.execute_script(
            "const block = document.querySelector(arguments[0]); return block && block.dataset.status;",
            f"#board [data-booking-id='{booking.pk}']",
        )

    def open_block(driver, booking, action):
        """Click the booking's block and return its detail's ``action`` button. The click is one script
        call (find and click the block of the board as it is now), and it is made again if the detail
        has not come within 5 s: a refresh that replaced the board as it was clicked drops the request."""
        button = f"#booking-detail [data-booking-id='{booking.pk}'] [data-action={action}]"
        for _attempt in range(3):
            driver.execute_script(
                "document.querySelector(arguments[0]).click();", f"#board [data-booking-id='{booking.pk}']"
            )
            try:
                return wait(driver, 5).until(ec.element_to_be_clickable((By.CSS_SELECTOR, button)))
            except TimeoutException:
                continue
        raise AssertionError(f"the detail of booking {booking.pk} did not open after three clicks")

    with pin_now(NOW):
        world, held, other_held = _seed()
        with (
            open_browser(tmp_path / "desk-a", width=1366, height=768) as desk_a,
            open_browser(tmp_path / "desk-b", width=1366, height=768) as desk_b,
        ):
            sign_in(desk_a)
            assert desk_a.current_url == f"{live_server.url}/app/board/?base={world.base.pk}&date=2026-12-08"
            assert desk_a.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
            expected = {s.pk: len(s.day_bookings) for s in base_board(base=world.base, day=TODAY.date())}
            drawn = {
                int(row.get_attribute("data-set-id")): len(row.find_elements(By.CSS_SELECTOR, ".block"))
                for row in desk_a.find_elements(By.CSS_SELECTOR, "#board [data-set-id]")
            }
            assert drawn == expected == {world.sets[0].pk: 1, world.sets[1].pk: 2, world.sets[2].pk: 1}
            assert len(desk_a.find_elements(By.CSS_SELECTOR, "[data-closed]")) == 2 * 3  # before 7, after 23
            (blackout,) = desk_a.find_elements(By.CSS_SELECTOR, "[data-blackout]")
            assert blackout.text == "设备检修"
            assert _no_horizontal_overflow(desk_a)
            desk_a.save_screenshot(str(tmp_path / "board-zh-1366.png"))

            sign_in(desk_b)
            for desk in (desk_a, desk_b):
                desk.execute_script("window.stillTheSamePage = true")

            # confirm a hold from the board: the block turns confirmed without a page load
            confirm = open_block(desk_a, held, "confirm")
            confirm.click()
            wait(desk_a, 15).until(lambda d: status_of(d, held) == "confirmed")
            assert desk_a.execute_script("return window.stillTheSamePage") is True
            held.refresh_from_db()
            assert held.status == Status.CONFIRMED
            (event,) = Event.objects.filter(type="booking.confirmed", subject_id=str(held.pk))
            assert (
                Delivery.objects.filter(event=event, channel="email", organization=world.company).count() == 1
            )

            # the second desk sees it within the refresh interval, also without a page load
            wait(desk_b, REFRESH_SECONDS * 3 + 5).until(lambda d: status_of(d, held) == "confirmed")
            assert desk_b.execute_script("return window.stillTheSamePage") is True

            # declining without a reason is refused in place
            decline = open_block(desk_a, other_held, "decline")
            decline.click()
            alert = wait(desk_a, 15).until(
                ec.visibility_of_element_located((By.CSS_SELECTOR, "#booking-detail [role=alert]"))
            )
            assert "请说明拒绝的原因" in alert.text
            other_held.refresh_from_db()
            assert other_held.status == Status.HELD
            assert status_of(desk_a, other_held) == "held"

            # at phone width the page does not overflow: the board scrolls inside its frame
            desk_a.set_window_size(375, 812)
            assert _no_horizontal_overflow(desk_a)
            desk_a.save_screenshot(str(tmp_path / "board-zh-375.png"))

            # English through the language switch
            desk_a.find_element(By.CSS_SELECTOR, "form.language button[value=en]").click()
            wait(desk_a, 15).until(
                lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
            )
            assert "Requests waiting for your answer" in desk_a.page_source
            assert _no_horizontal_overflow(desk_a)
            desk_a.save_screenshot(str(tmp_path / "board-en-375.png"))
            desk_a.set_window_size(1366, 768)
            assert _no_horizontal_overflow(desk_a)
            desk_a.save_screenshot(str(tmp_path / "board-en-1366.png"))

            # who else may open operator1's board: signed out → sign in; operator2 → 404; producer1 → 403
            board_url = f"{live_server.url}/app/board/?base={world.base.pk}&date=2026-12-08"
            sign_out(desk_b)
            desk_b.get(board_url)
            assert desk_b.current_url.startswith(f"{live_server.url}/accounts/login/?next=")
            other = MembershipFactory(organization=OperatorFactory(), role=Membership.Role.OWNER).user
            other.username = "operator2"
            other.save(update_fields=["username"])
            sign_in(desk_b, "operator2", lands_on="#board-empty")
            assert status_page(desk_b, board_url) == "404"
            sign_out(desk_b)
            producer = world.company_user
            producer.username = "producer1"
            producer.save(update_fields=["username"])
            sign_in(desk_b, "producer1", lands_on=None)
            assert status_page(desk_b, board_url) == "403"

    for name in ("board-zh-1366", "board-zh-375", "board-en-375", "board-en-1366"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
