"""Settings: every environment variable read once, in packbuilder.settings, and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import packbuilder
from packbuilder.errors import PackError
from packbuilder.settings import Settings
from packbuilder.templates import template_dirs


def test_defaults_from_an_empty_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/srv/xdg-cache")  # platformdirs follows XDG on Linux
    s = Settings.from_env({})
    assert s.convert_timeout == 120
    assert s.convert_processes in (1, 2)
    assert s.network_allowed is False
    assert s.cache_dir == Path("/srv/xdg-cache/packbuilder")
    assert s.templates_dir is None


def test_every_variable_is_read() -> None:
    s = Settings.from_env(
        {
            "PACKBUILDER_CONVERT_TIMEOUT": "7.5",
            "PACKBUILDER_CONVERT_PROCESSES": "3",
            "PACKBUILDER_CONVERT_NETWORK": "allow",
            "PACKBUILDER_CACHE": "/srv/cache",
            "PACKBUILDER_TEMPLATES": "/srv/house-templates",
        }
    )
    assert s == Settings(
        convert_timeout=7.5,
        convert_processes=3,
        network_allowed=True,
        cache_dir=Path("/srv/cache"),
        templates_dir=Path("/srv/house-templates"),
    )
    assert template_dirs(None, s) == [Path("/srv/house-templates"), template_dirs(None)[-1]]


@pytest.mark.parametrize("network", ["", "deny", "ALLOW", "yes"])
def test_only_allow_opens_the_network(network: str) -> None:
    assert Settings.from_env({"PACKBUILDER_CONVERT_NETWORK": network}).network_allowed is False


@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan", "inf"])
def test_a_meaningless_timeout_is_one_line_naming_the_variable(value: str) -> None:
    with pytest.raises(PackError) as caught:
        Settings.from_env({"PACKBUILDER_CONVERT_TIMEOUT": value})
    message = str(caught.value)
    assert "PACKBUILDER_CONVERT_TIMEOUT" in message and repr(value) in message
    assert "\n" not in message


def test_no_other_module_reads_the_environment() -> None:
    """Only settings.py reads variables; convert/process.py hands ours on to LibreOffice; the web
    app, a Django project of its own, is configured where Django reads configuration: its
    settings module and its entry points (which name that module)."""
    root = Path(packbuilder.__file__).parent
    allowed = {root / "settings.py", root / "convert" / "process.py"} | {
        root / "web" / name for name in ("settings.py", "__main__.py", "asgi.py", "wsgi.py")
    }
    readers = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if path not in allowed and re.search(r"os\.environ|getenv\(", path.read_text())
    ]
    assert readers == []


def test_the_scaling_variables() -> None:
    s = Settings.from_env(
        {
            "PACKBUILDER_GOTENBERG_URL": " http://gotenberg:3000/ ",
            "PACKBUILDER_GOTENBERG_CONCURRENCY": "8",
            "PACKBUILDER_REDIS_URL": "redis://queue:6379/2",
        }
    )
    assert s.gotenberg_url == "http://gotenberg:3000"
    assert s.gotenberg_concurrency == 8
    assert s.redis_url == "redis://queue:6379/2"
    unset = Settings.from_env({"PACKBUILDER_GOTENBERG_CONCURRENCY": "lots"})
    assert (unset.gotenberg_url, unset.redis_url, unset.gotenberg_concurrency) == (None, None, 4)


def test_packbuilder_today_takes_a_date_as_an_advisor_writes_it() -> None:
    """As `--today` and `deadline` take it: a date written either way pins the same day."""
    import datetime as dt

    from packbuilder.settings import _day

    for typed in ("2020-03-05", "05/03/2020", "5 March 2020"):
        assert _day(typed) == dt.date(2020, 3, 5)
