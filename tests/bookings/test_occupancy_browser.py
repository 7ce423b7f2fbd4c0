"""The occupancy page in a real headless Chromium: its three charts draw the API's numbers for the
hand-computed fixture (tests/bookings/test_occupancy.py)."""

import pytest
from rest_framework.test import APIClient

from tests.bookings.test_occupancy import MON, THU, fixture  # noqa: F401 - the fixture
from tests.browser import open_browser, wait
from tests.factories import token_for
from tests.workspace_browser import LAPTOP, PHONE, check_fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("occupancy-heatmap", "occupancy-kinds", "occupancy-revenue")
SERIES = (
    "return echarts.getInstanceByDom(document.querySelector('[data-chart=\"' + arguments[0] + '\"]'))"
    ".getOption().series.map(function (s) { return {name: s.name, data: s.data}; })"
)


def test_the_charts_draw_the_apis_numbers(fixture, live_server, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    user = fixture.operator_user
    user.username = "operator1"
    user.save(update_fields=["username"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    api = client.get(f"/api/v1/bases/{fixture.base.pk}/occupancy/", {"from": THU, "to": MON}).json()

    with open_browser(tmp_path / "desk", width=1366, height=900) as driver:
        sign_in(driver, live_server, "operator1")
        driver.get(f"{live_server.url}/app/occupancy/?base={fixture.base.pk}&from={THU}&to={MON}")
        for name in CHARTS:
            wait(driver, 20).until(
                lambda d, name=name: (
                    d.find_element(By.CSS_SELECTOR, f"[data-chart='{name}']").get_attribute("data-ready")
                    == "1"
                )
            )

        (heat,) = driver.execute_script(SERIES, "occupancy-heatmap")
        sets = [s["id"] for s in api["sets"]]
        expected = [
            [
                api["days"].index(c["day"]),
                sets.index(c["set"]),
                "-" if c["utilisation"] is None else float(c["utilisation"]),
            ]
            for c in api["set_days"]
        ]
        assert heat["data"] == expected
        kinds = driver.execute_script(SERIES, "occupancy-kinds")
        assert (
            [(s["name"], s["data"]) for s in kinds]
            == [
                ("酒吧", [0.1163, 0.5455]),
                ("病房", [0.3902, 0.0]),
            ]
            == [
                (label, [float(c["utilisation"]) for c in api["kind_weeks"] if c["kind_label"] == label])
                for label in ("酒吧", "病房")
            ]
        )
        revenue = driver.execute_script(SERIES, "occupancy-revenue")
        assert [s["data"] for s in revenue] == [[6300.0, 2100.0], [0.0, 600.0], [0.0, 1200.0]]
        check_fits(driver, tmp_path, "occupancy-zh")
        driver.set_window_size(*PHONE)
        check_fits(driver, tmp_path, "occupancy-zh-375")

        # English through the language switch: the same numbers under English labels
        driver.find_element(By.CSS_SELECTOR, "form.language button[value=en]").click()
        wait(driver, 15).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
        wait(driver, 20).until(
            lambda d: (
                d.find_element(By.CSS_SELECTOR, "[data-chart='occupancy-kinds']").get_attribute("data-ready")
                == "1"
            )
        )
        kinds = driver.execute_script(SERIES, "occupancy-kinds")
        assert [(s["name"], s["data"]) for s in kinds] == [
            ("bar", [0.1163, 0.5455]),
            ("hospital ward", [0.3902, 0.0]),
        ]
        check_fits(driver, tmp_path, "occupancy-en-375")
        driver.set_window_size(*LAPTOP)
        check_fits(driver, tmp_path, "occupancy-en-1366")
