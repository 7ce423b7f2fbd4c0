"""``config.appconf``: an app setting comes from Django settings, else the environment, else its default."""

from decimal import Decimal

from config.appconf import app_settings

get = app_settings("TESTAPP")


def test_django_settings_win_over_the_environment(settings, monkeypatch):
    settings.TESTAPP_LIMIT = 7
    monkeypatch.setenv("TESTAPP_LIMIT", "9")
    assert get("LIMIT", 5) == 7


def test_an_environment_value_takes_the_type_of_the_default(monkeypatch):
    monkeypatch.setenv("TESTAPP_LIMIT", "9")
    monkeypatch.setenv("TESTAPP_FACTOR", "1.5")
    monkeypatch.setenv("TESTAPP_RATE", "2.25")
    monkeypatch.setenv("TESTAPP_ON", "yes")
    monkeypatch.setenv("TESTAPP_OFF", "0")
    assert get("LIMIT", 5) == 9
    assert get("FACTOR", 1.0) == 1.5
    assert get("RATE", Decimal("1")) == Decimal("2.25")
    assert get("ON", False) is True
    assert get("OFF", True) is False


def test_the_default_when_neither_says_or_the_default_is_a_table(monkeypatch):
    monkeypatch.setenv("TESTAPP_EMPTY", "")
    monkeypatch.setenv("TESTAPP_TABLE", "{}")
    assert get("MISSING", 5) == 5
    assert get("EMPTY", 5) == 5
    assert get("TABLE", {"a": 1}) == {"a": 1}
