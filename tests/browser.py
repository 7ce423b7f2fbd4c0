"""A real headless Chromium (Debian's package) driven by Selenium, for the tests marked ``browser``.

Under CI a missing browser fails the run; locally the test skips. ``open_browser`` starts one at a
window size and language; the ``browser`` fixture (importable from ``tests.conftest``) is one at
1400×1000 in Chinese.
"""

import os
import shutil
from contextlib import contextmanager

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver")


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true but the real-browser test cannot run: {reason}")
    pytest.skip(reason)


@contextmanager
def open_browser(profile_dir, *, width: int = 1400, height: int = 1000, language: str = "zh-CN"):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -r requirements-dev.txt)")
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(binary) or shutil.which(binary)):
            _missing(f"{binary} is missing (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
        f"--lang={language}",
        f"--user-data-dir={profile_dir}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)  # waits are explicit, so that asserting absence is instant
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(tmp_path):
    with open_browser(tmp_path / "chromium-profile") as driver:
        yield driver


def wait(driver, seconds: float):
    """A WebDriverWait that also retries a stale element: a page that navigates or an htmx swap can
    replace an element between a condition's find and its read, and the next poll finds the new one."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))
