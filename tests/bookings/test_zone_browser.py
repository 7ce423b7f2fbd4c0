"""The zone page in a real headless Chromium: each chart draws the API's numbers for the hand-computed
zone (tests/bookings/zone_world.py), withheld cells left out, in Chinese and English, at 1366 and 375 px."""

import pytest

from tests.bookings.zone_world import WINDOW, build_zone_world
from tests.browser import open_browser, wait
from tests.workspace_browser import LAPTOP, PHONE, check_fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIES = (
    "return echarts.getInstanceByDom(document.querySelector('[data-chart=\"' + arguments[0] + '\"]'))"
    ".getOption().series.map(function (s) { return {name: s.name, data: s.data}; })"
)
CHARTS = (
    "zone-activity",
    "zone-utilisation",
    "zone-bases",
    "zone-requests",
    "zone-spend",
    "zone-review",
    "zone-circle",
)


def number(value):
    return None if value is None else float(value)


def column(rows, key):
    return [number(row[key]) for row in rows]


def expected(api: dict) -> dict:
    """Each chart's series data as the JSON gives them (the chart code's mapping, restated)."""
    usage = api["utilisation"]
    kinds = list(dict.fromkeys(row["kind"] for row in usage["kinds"]))
    bases = list(dict.fromkeys(row["base"] for row in usage["bases"]))
    review = api["review"]["months"]
    return {
        "zone-activity": [
            column(api["activity"], key)
            for key in ("crews_served", "productions", "companies", "people_called")
        ],
        "zone-utilisation": [column(usage["zone"], "utilisation")]
        + [column([r for r in usage["kinds"] if r["kind"] == kind], "utilisation") for kind in kinds],
        "zone-bases": [
            column([r for r in usage["bases"] if r["base"] == base], "utilisation") for base in bases
        ],
        "zone-requests": [
            column(api["requests"], key)
            for key in ("confirmed_share", "declined_share", "expired_share", "median_lead_days")
        ],
        "zone-spend": [column(api["spend"], "bookings"), column(api["spend"], "fees")],
        "zone-review": [
            column(review, key) for key in ("intake", "approvals", "median_working_days", "p90_working_days")
        ],
        "zone-circle": [[h[f"within_{n}"] for h in api["circle"]["hotels"]] for n in api["circle"]["limits"]],
    }


def _wait_for_charts(driver):
    from selenium.webdriver.common.by import By

    for name in CHARTS:
        wait(driver, 20).until(
            lambda d, name=name: (
                d.find_element(By.CSS_SELECTOR, f"[data-chart='{name}']").get_attribute("data-ready") == "1"
            )
        )


def _check_charts(driver, want: dict) -> None:
    """Once every chart is drawn, each one's series hold the API's numbers."""
    _wait_for_charts(driver)
    for name in CHARTS:
        assert [s["data"] for s in driver.execute_script(SERIES, name)] == want[name], name


def _names(driver, chart: str) -> list[str]:
    return [s["name"] for s in driver.execute_script(SERIES, chart)]


def test_each_chart_draws_the_apis_numbers(live_server, tmp_path, settings, api):
    from selenium.webdriver.common.by import By

    settings.REVIEW_TARGET_WORKING_DAYS = 4
    world = build_zone_world()
    user = world.zone_user
    user.username = "zone1"
    user.save(update_fields=["username"])
    body = api(user).get(f"/api/v1/zones/{world.zone.pk}/stats/", WINDOW).json()
    want = expected(body)
    assert want["zone-activity"][0] == [6.0, None]  # the fixture's withheld month reaches the chart as a gap
    assert want["zone-review"][1] == [None, 3.0]

    with open_browser(tmp_path / "zone", width=1366, height=900) as driver:
        sign_in(driver, live_server, "zone1")
        driver.get(f"{live_server.url}/app/zone/?zone={world.zone.pk}&from=2026-09&to=2026-10")
        _check_charts(driver, want)
        assert _names(driver, "zone-activity") == ["服务剧组", "在拍剧目", "活跃公司", "通告人数"]
        assert _names(driver, "zone-circle") == ["5 分钟内", "10 分钟内", "15 分钟内"]
        check_fits(driver, tmp_path, "zone-zh-1366")
        driver.set_window_size(*PHONE)
        check_fits(driver, tmp_path, "zone-zh-375")

        driver.find_element(By.CSS_SELECTOR, "form.language button[value=en]").click()
        wait(driver, 15).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
        _check_charts(driver, want)
        assert _names(driver, "zone-activity") == [
            "Crews served", "Productions active", "Companies active", "People called"
        ]  # fmt: skip
        assert _names(driver, "zone-utilisation") == ["Whole zone", "bar", "hospital ward"]
        check_fits(driver, tmp_path, "zone-en-375")
        driver.set_window_size(*LAPTOP)
        check_fits(driver, tmp_path, "zone-en-1366")
