"""The review dashboard in the admin, in a real headless Chromium on a desk (1366 px) and on a phone
(375 px): its three charts draw exactly its JSON endpoint's numbers (the hand-computed fixture of
test_dashboard.py), in Chinese and in English, and at either width the page never scrolls sideways and
every chart fits inside it (the tables scroll inside their own boxes)."""

import json
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser import open_browser, wait
from tests.factories import PASSWORD
from tests.review.test_dashboard import WINDOW, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("review-turnaround", "review-intake", "review-load")
SERIES = (
    "return echarts.getInstanceByDom(document.querySelector('[data-chart=\"' + arguments[0] + '\"]'))"
    ".getOption().series.map(function (s) { return {name: s.name, data: s.data}; })"
)

#: What does not fit the window, read in one script call: the page scrolling sideways, a chart (its box or
#: the canvas ECharts drew) wider than the page or reaching past its right edge.
FITS = """
var root = document.documentElement, width = root.clientWidth, problems = [];
if (root.scrollWidth > width) { problems.push('page ' + root.scrollWidth + ' > ' + width); }
arguments[0].forEach(function (name) {
  var box = document.querySelector('[data-chart="' + name + '"]'), rect = box.getBoundingClientRect();
  var drawn = echarts.getInstanceByDom(box).getWidth();
  if (rect.left < 0 || rect.right > width) { problems.push(name + ' box ' + rect.left + '..' + rect.right); }
  if (drawn > box.clientWidth) { problems.push(name + ' canvas ' + drawn + ' > ' + box.clientWidth); }
});
return problems;
"""


def test_the_dashboards_charts_draw_its_json(world, live_server, tmp_path, settings):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    settings.REVIEW_TARGET_WORKING_DAYS = 4
    build(world)
    reviewer = world.reviewer
    reviewer.username = "reviewer1"
    reviewer.save(update_fields=["username"])
    query = f"?since={WINDOW['since']}&until={WINDOW['until']}"
    page = reverse("admin:review_reviewsubmission_dashboard", args=[world.centre.pk]) + query
    source = reverse("admin:review_reviewsubmission_dashboard_data", args=[world.centre.pk]) + query

    def charts_of(driver):
        for name in CHARTS:
            wait(driver, 20).until(
                lambda d, name=name: (
                    d.find_element(By.CSS_SELECTOR, f"[data-chart='{name}']").get_attribute("data-ready")
                    == "1"
                )
            )
        return {name: driver.execute_script(SERIES, name) for name in CHARTS}

    def expected(data):
        months = sorted({row["month"] for row in data["turnaround"]})
        cell = {(row["month"], row["stage"]): row for row in data["turnaround"]}
        stages = ["submitted", "preliminary_review", "content_audit", "end_to_end"]
        return {
            "review-turnaround": [[cell[m, s]["median"] for m in months] for s in stages]
            + [[cell[m, "end_to_end"]["p90"] for m in months]],
            "review-intake": [[week["count"] for week in data["intake_weeks"]]],
            "review-load": [
                [r[key] for r in data["reviewers"]] for key in ("open", "due_this_week", "overdue")
            ],
        }

    for device, width, height in (("desk", 1366, 900), ("phone", 375, 812)):
        with open_browser(tmp_path / device, width=width, height=height) as driver:
            if device == "phone":  # headless Chromium keeps a window at least 500 px wide: emulate the phone
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
                )
            driver.get(f"{live_server.url}/admin/login/?next={quote(page)}")
            driver.find_element(By.NAME, "username").send_keys("reviewer1")
            driver.find_element(By.NAME, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
            wait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-dashboard]")))
            for language, end_to_end in (
                ("zh-hans", "提交至取得备案号"),
                ("en", "Submission to filing number"),
            ):
                client = Client(HTTP_ACCEPT_LANGUAGE=language)
                client.force_login(reviewer)
                data = json.loads(client.get(source).content)
                if language == "en":
                    driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "en"})
                    driver.get(f"{live_server.url}{page}")
                assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
                drawn = charts_of(driver)
                assert {name: [s["data"] for s in series] for name, series in drawn.items()} == expected(data)
                # the hand-computed figures: National Day inside October, Saturday 10 Oct worked
                assert drawn["review-turnaround"][3]["data"] == [None, 4.5, None]
                assert drawn["review-turnaround"][4]["data"] == [None, 4.9, None]
                assert drawn["review-turnaround"][3]["name"].startswith(end_to_end)
                assert driver.execute_script("return document.documentElement.clientWidth") == width
                assert driver.execute_script(FITS, list(CHARTS)) == [], (device, language)
                driver.save_screenshot(str(tmp_path / f"dashboard-{device}-{language}.png"))
    for device in ("desk", "phone"):
        for language in ("zh-hans", "en"):
            assert (tmp_path / f"dashboard-{device}-{language}.png").stat().st_size > 10_000
