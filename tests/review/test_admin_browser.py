"""The review centre's admin in a real headless Chromium (Debian's package, driven by Selenium).

``reviewer1`` logs in, opens the "unassigned" queue, takes a submission, passes 初审, returns it with
a finding and reads the history. Under CI a missing browser fails the run; locally the test skips.
"""

import pytest

from review.models import Finding, ReviewSubmission, SubmissionHistory
from tests.browser import wait
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Stage = ReviewSubmission.Stage


def test_reviewer_takes_a_submission_through_the_admin(world, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    def wait_for(condition):
        return wait(browser, 15).until(condition)

    reviewer = world.reviewer
    reviewer.username = "reviewer1"
    reviewer.save(update_fields=["username"])
    world.company.name = "横店星河璀璨影视文化传媒有限公司"  # as long as company names get
    world.company.save(update_fields=["name"])
    submission = world.submission_in(Stage.SUBMITTED)
    taken = world.submission_in(
        Stage.PRELIMINARY_REVIEW,
        production=type(world.production).objects.create(
            company=world.company,
            title="霸道总裁的契约新娘之重生归来（第二季）",  # a long title, as they are
            episode_count=60,
            minutes_per_episode=world.production.minutes_per_episode,
            total_investment=world.production.total_investment,
        ),
    )

    browser.get(f"{live_server.url}/admin/login/?next=/admin/review/reviewsubmission/")
    browser.find_element(By.NAME, "username").send_keys("reviewer1")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_for(ec.presence_of_element_located((By.ID, "result_list")))

    # the queue fits a 1366 px laptop screen: nothing to scroll sideways
    browser.set_window_size(1366, 768)
    wide, seen = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide <= seen, (wide, seen)
    browser.set_window_size(1400, 1000)

    # the "unassigned" queue holds the new submission, not the one already taken
    browser.find_element(By.CSS_SELECTOR, "a[href*='queue=unassigned']").click()
    wait_for(ec.url_contains("queue=unassigned"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1
    assert (
        browser.find_elements(
            By.CSS_SELECTOR,
            f"#result_list a[href$='/{taken.pk}/change/?_changelist_filters=queue%3Dunassigned']",
        )
        == []
    )
    browser.find_element(By.CSS_SELECTOR, f"#result_list a[href*='/{submission.pk}/change/']").click()
    wait_for(ec.presence_of_element_located((By.ID, "history-group")))

    def step(name, **fields):
        browser.find_element(By.CSS_SELECTOR, f"a.workflow-{name}").click()
        wait_for(ec.presence_of_element_located((By.NAME, "confirm_submit")))
        assert "review-confirm" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
        for field, value in fields.items():
            element = browser.find_element(By.NAME, field)
            element.clear()
            element.send_keys(value)
        browser.find_element(By.NAME, "confirm_submit").click()
        wait_for(ec.url_contains(f"/{submission.pk}/change/"))
        wait_for(ec.presence_of_element_located((By.CSS_SELECTOR, "ul.messagelist")))
        assert browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li.success"), browser.page_source[:2000]
        assert not browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li.error")

    step("assign")
    step("pass", comment="初审通过，转内容审核")
    step(
        "return",
        comment="请修改后重新报送",
        episode="2",
        timecode="0:00:42",
        text="第2集0分42秒：台词存在不良导向，请修改。",
    )

    page = browser.page_source
    assert "第2集0分42秒：台词存在不良导向，请修改。" in page
    history_rows = browser.find_elements(By.CSS_SELECTOR, "#history-group tbody tr.has_original")
    assert len(history_rows) == 4
    assert "请修改后重新报送" in history_rows[-1].text
    # no workflow button is offered once the submission waits on the company
    assert browser.find_elements(By.CSS_SELECTOR, "a[class^='workflow-']") == []

    submission.refresh_from_db()
    assert submission.stage == Stage.REVISION_REQUESTED
    assert submission.assigned_reviewer == reviewer
    assert list(
        SubmissionHistory.objects.filter(submission=submission).values_list("decision", flat=True)
    ) == [
        "submitted",
        "assigned",
        "passed",
        "returned",
    ]
    assert Finding.objects.get(submission=submission).decision is not None
