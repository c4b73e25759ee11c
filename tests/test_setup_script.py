"""The README's set-up script: the portal it starts stops with it; a failed apt says what to do."""

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "wsgi.py"


@pytest.fixture
def setup_script(monkeypatch):
    """Return the globals of wsgi.py run as a script with no command (it prints its usage)."""
    namespace = {"__name__": "__main__", "__file__": str(SCRIPT)}
    monkeypatch.setattr("sys.argv", ["wsgi.py"])
    with pytest.raises(SystemExit):
        exec(compile(SCRIPT.read_text(), str(SCRIPT), "exec"), namespace)
    return namespace


def test_serve_replaces_itself_with_the_portal(setup_script, monkeypatch):
    calls = []
    setup_script["_ensure_environment"] = lambda extras: None
    setup_script["_flask"] = lambda *args: calls.append(("run", args))
    monkeypatch.setattr("os.execv", lambda path, argv: calls.append(("exec", tuple(argv[-2:]))))
    monkeypatch.setattr("os.name", "posix")
    setup_script["serve"](["--port", "5001"])
    # No child is left behind: the last step is the portal itself, not a subprocess.
    assert calls == [
        ("run", ("db", "upgrade")),
        ("run", ("seed-demo",)),
        ("exec", ("--port", "5001")),
    ]


def test_a_failed_apt_get_names_the_packages_to_install(setup_script, monkeypatch, capsys):
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr("os.geteuid", lambda: 0)

    def fake_run(command, **kwargs):
        return subprocess.CompletedProcess(command, 100 if "install" in command else 0)

    monkeypatch.setattr("subprocess.run", fake_run)
    setup_script["_install_system_packages"](["libharfbuzz-subset0", "chromium"])
    out = capsys.readouterr().out
    assert "apt-get install failed (exit 100)" in out
    assert "libharfbuzz-subset0 chromium" in out.splitlines()[-1]


def test_a_successful_apt_get_says_nothing_more(setup_script, monkeypatch, capsys):
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr("os.geteuid", lambda: 0)
    monkeypatch.setattr(
        "subprocess.run", lambda command, **kwargs: subprocess.CompletedProcess(command, 0)
    )
    setup_script["_install_system_packages"](["chromium"])
    assert "note:" not in capsys.readouterr().out
