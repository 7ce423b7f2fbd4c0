"""The base admin's cancellation tiers in a real headless Chromium: at 375 px and 1366 px every row's two
inputs fit the screen (Chinese and English), and a row typed in and saved is stored in the policy, sorted."""

import pytest
from django.urls import reverse

from locations.models import Base
from studio.models import Membership
from tests.browser import open_browser, wait
from tests.factories import PASSWORD, BaseFactory, MembershipFactory, OperatorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: every tier input's box lies inside the viewport (the table needs no sideways scrolling)
INPUTS_FIT = """
const width = document.documentElement.clientWidth;
const inputs = [...document.querySelectorAll('[data-cancellation-tiers] input')];
return inputs.length > 0 && inputs.every(input => {
    const box = input.getBoundingClientRect();
    return box.left >= 0 && box.right <= width && box.width >= 40;
});
"""


def test_the_tiers_fit_a_phone_and_a_typed_row_is_saved(live_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    user = UserFactory(is_staff=True, username="tiers-operator")
    base = BaseFactory(operator=OperatorFactory(), name="一号基地")
    MembershipFactory(user=user, organization=base.operator, role=Membership.Role.MANAGER)
    change = f"{live_server.url}{reverse('admin:locations_base_change', args=[base.pk])}"
    for language, words in (("zh-CN", "开始前至少"), ("en", "Cancelled at least")):
        with open_browser(tmp_path / language, width=375, height=812, language=language) as driver:
            driver.get(f"{live_server.url}{reverse('admin:login')}?next={change}")
            driver.find_element(By.NAME, "username").send_keys(user.username)
            driver.find_element(By.NAME, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
            wait(driver, 15).until(
                ec.presence_of_element_located((By.CSS_SELECTOR, "[data-cancellation-tiers]"))
            )
            table = driver.find_element(By.CSS_SELECTOR, "[data-cancellation-tiers]")
            driver.execute_script("arguments[0].scrollIntoView()", table)
            assert words in table.text and "hours_before" not in driver.page_source
            assert driver.execute_script(INPUTS_FIT)
            driver.save_screenshot(str(tmp_path / f"tiers-{language}-375.png"))
            driver.set_window_size(1366, 900)
            driver.execute_script("arguments[0].scrollIntoView()", table)
            assert driver.execute_script(INPUTS_FIT)
            driver.save_screenshot(str(tmp_path / f"tiers-{language}-1366.png"))
            if language == "en":
                driver.find_element(By.NAME, "cancellation_policy_6").send_keys("48")
                driver.find_element(By.NAME, "cancellation_policy_7").send_keys("20")
                driver.find_element(By.CSS_SELECTOR, "input[name=_continue]").click()
                wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".messagelist")))
    assert Base.objects.get(pk=base.pk).cancellation_policy == [
        {"hours_before": 72, "fee_percent": 0},
        {"hours_before": 48, "fee_percent": 20},
        {"hours_before": 24, "fee_percent": 50},
        {"hours_before": 0, "fee_percent": 100},
    ]
    for language in ("zh-CN", "en"):
        for width in (375, 1366):
            assert (tmp_path / f"tiers-{language}-{width}.png").stat().st_size > 10_000
