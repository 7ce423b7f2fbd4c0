"""The shoot week in a real headless Chromium: producer1 opens the crew's week from the menu, sees seven
columns with the warnings, publishes a day's call sheet in place (no page load), and after a crew member
acknowledges through their link the page shows it; 1366 px and 375 px, Chinese and English, with
screenshots and no horizontal overflow of the page."""

from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crews.models import CallSheetRecipient
from studio.models import Membership
from tests.browser import open_browser, wait
from tests.clock import pin_now
from tests.crews.factories import CallFactory, CrewFactory, PersonFactory, ShootDayFactory, StopFactory, local
from tests.factories import MembershipFactory, ProductionFactory
from tests.workspace_browser import LAPTOP, check_fits, check_phone_and_english, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)  # Monday of 2026-W50
TUESDAY = date(2026, 12, 8)


def test_a_producer_publishes_a_call_sheet_from_the_shoot_week(live_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    with pin_now(NOW):
        scheduler = MembershipFactory(role=Membership.Role.COORDINATOR, user__username="producer1")
        company = scheduler.organization
        crew = CrewFactory(production=ProductionFactory(company=company, title="霸总的替身新娘"), name="A组")
        day = ShootDayFactory(
            crew=crew, date=TUESDAY, call_at=local(TUESDAY, 6), planned_wrap_at=local(TUESDAY, 20)
        )
        StopFactory(shoot_day=day, order=1, starts_at=local(TUESDAY, 8), ends_at=local(TUESDAY, 12))
        StopFactory(shoot_day=day, order=2, starts_at=local(TUESDAY, 13), ends_at=local(TUESDAY, 18))
        lead = PersonFactory(company=company, name="周舟", phone="13800001111")
        CallFactory(shoot_day=day, person=lead)
        CallFactory(shoot_day=day, person=PersonFactory(company=company, name="林晚", phone="13912345678"))

        with open_browser(tmp_path / "producer", width=LAPTOP[0], height=LAPTOP[1]) as driver:
            sign_in(driver, live_server, "producer1")
            driver.get(f"{live_server.url}/app/shoot-days/")
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-shoot-week]")))
            assert driver.current_url.endswith(f"?crew={crew.pk}&week=2026-W50")
            assert len(driver.find_elements(By.CSS_SELECTOR, "[data-shoot-week] > section")) == 7
            column = f"#shoot-day-{day.pk}"
            assert driver.find_elements(By.CSS_SELECTOR, f"{column} [data-warning=script_not_reviewed]")
            check_fits(driver, tmp_path, "week-zh-1366")
            driver.execute_script("window.stillTheSamePage = true")

            driver.find_element(By.CSS_SELECTOR, f"{column} [data-action=publish]").click()
            wait(driver, 15).until(
                ec.presence_of_element_located((By.CSS_SELECTOR, f"{column} [data-call-sheet-version='1']"))
            )
            waiting = driver.find_element(By.CSS_SELECTOR, f"{column} [data-waiting]").text
            assert "周舟" in waiting and "13800001111" in waiting
            assert driver.execute_script("return window.stillTheSamePage") is True

            recipient = CallSheetRecipient.objects.get(call_sheet__shoot_day=day, person=lead)
            acknowledge = reverse("call-sheet-public-acknowledge", kwargs={"token": recipient.token})
            assert Client().post(acknowledge).status_code == 200
            driver.refresh()
            acknowledged = wait(driver, 15).until(
                ec.presence_of_element_located((By.CSS_SELECTOR, f"{column} [data-acknowledged]"))
            )
            assert "周舟" in acknowledged.text
            assert "周舟" not in driver.find_element(By.CSS_SELECTOR, f"{column} [data-waiting]").text

            check_phone_and_english(driver, tmp_path, "week", "Call sheet")
