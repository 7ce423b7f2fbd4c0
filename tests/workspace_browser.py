"""Steps the workspace pages' browser tests share: sign in, and check a page at both widths in both
languages (no horizontal overflow of the page body, a screenshot of each)."""

from tests.browser import wait
from tests.factories import PASSWORD

#: (width, height) of the laptop and the phone the pages must fit
LAPTOP, PHONE = (1366, 768), (375, 812)


def no_horizontal_overflow(driver) -> bool:
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def sign_in(driver, live_server, username: str) -> None:
    from selenium.webdriver.common.by import By  # selenium is imported only where a browser runs

    driver.get(f"{live_server.url}/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait(driver, 15).until(lambda d: "/accounts/login/" not in d.current_url)


def check_fits(driver, path, name: str) -> None:
    """The page fits the window (waited for: charts redraw on the resize event after a resize); its
    screenshot is ``path/name.png``."""
    wait(driver, 5).until(no_horizontal_overflow, name)
    driver.save_screenshot(str(path / f"{name}.png"))
    assert (path / f"{name}.png").stat().st_size > 10_000


def check_phone_and_english(driver, path, name: str, english: str) -> None:
    """From the Chinese page at laptop width: the phone width, then English (``english`` shown) at both."""
    from selenium.webdriver.common.by import By

    driver.set_window_size(*PHONE)
    check_fits(driver, path, f"{name}-zh-375")
    driver.find_element(By.CSS_SELECTOR, "form.language button[value=en]").click()
    wait(driver, 15).until(lambda d: d.execute_script("return document.documentElement.lang") == "en")
    assert english in driver.page_source
    check_fits(driver, path, f"{name}-en-375")
    driver.set_window_size(*LAPTOP)
    check_fits(driver, path, f"{name}-en-1366")
