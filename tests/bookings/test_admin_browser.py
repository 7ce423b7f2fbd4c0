"""The bookings changelist in a real headless Chromium at 1,366 × 768 (a common office laptop screen):
an operator's list with long Chinese names fits without a horizontal scroll bar."""

import pytest
from django.utils import timezone

from bookings.models import Booking
from studio.models import Membership
from tests.bookings.conftest import morning
from tests.browser import wait
from tests.factories import PASSWORD, BookingFactory, MembershipFactory, ProductionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_operators_booking_list_fits_a_1366_pixel_screen(world, live_server, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    world.company.name = "平原示范区星河璀璨影视文化传媒有限公司"
    world.company.short_name = ""  # the longest name a column may have to show
    world.company.save()
    production = ProductionFactory(
        company=world.company, title="闪婚后，豪门总裁宠上天：千金归来之真假千金大对决"
    )
    for index, status in enumerate([Booking.Status.HELD, Booking.Status.CONFIRMED, Booking.Status.CANCELLED]):
        starts = morning(days=2 + index, hour=20)
        BookingFactory(
            production=production, set=world.sets[index], status=status, starts_at=starts,
            ends_at=starts + timezone.timedelta(hours=14),
        )  # fmt: skip
    user = UserFactory(username="operator1", is_staff=True)
    MembershipFactory(user=user, organization=world.operator, role=Membership.Role.OWNER)

    browser.set_window_size(1366, 768)
    browser.get(f"{live_server.url}/admin/login/?next=/admin/bookings/booking/")
    browser.find_element(By.NAME, "username").send_keys("operator1")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait(browser, 15).until(ec.presence_of_element_located((By.ID, "result_list")))

    assert len(browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")) == 3
    viewport, page = browser.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    assert viewport <= 1366
    assert page <= viewport, f"the list is {page} px wide on a {viewport} px screen"
    assert world.base.name in browser.find_element(By.ID, "result_list").text
