"""Entry point of the portal, and the two set-up commands of the README.

`gunicorn wsgi:app` and `flask --app wsgi ...` import the application from here.
Run directly, with nothing but Python 3.11+ installed, it prepares everything itself:

    python3 wsgi.py serve    create .venv, install, migrate, load the demo, run on :5000
    python3 wsgi.py test     create .venv, install with test tools, run the whole test suite
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# Shared libraries that WeasyPrint needs (Pango) or uses to subset fonts quickly (HarfBuzz).
SYSTEM_LIBRARIES = {
    "libpango-1.0.so.0": "libpango-1.0-0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0",
    "libharfbuzz-subset.so.0": "libharfbuzz-subset0",
}
BROWSER_PACKAGES = ("chromium", "chromium-driver")


def _run(*command: str, **kwargs) -> None:
    """Run a command, stopping the set-up when it fails."""
    print("$", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def _missing_libraries() -> list[str]:
    """Return the Debian packages of system libraries that are not installed."""
    if not sys.platform.startswith("linux") or not shutil.which("ldconfig"):
        return []
    known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    return [package for library, package in SYSTEM_LIBRARIES.items() if library not in known]


def _install_system_packages(packages: list[str]) -> None:
    """Install Debian packages when root on a Debian-like system; otherwise say what to do."""
    if not packages:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        print("$ apt-get install", " ".join(packages), flush=True)
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        result = subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env)
        if result.returncode == 0:
            return
        # Another apt may hold the lock, or there is no network: say what is still missing.
        print(f"note: apt-get install failed (exit {result.returncode}).", flush=True)
    print(
        "note: install these system packages for PDF certificates and browser tests, then run "
        "this command again: " + " ".join(packages),
        flush=True,
    )


def _ensure_environment(extras: str) -> None:
    """Create .venv and install the project with `extras` unless already up to date."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under any python3
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    _install_system_packages(_missing_libraries())
    if not (BIN / "python").exists():
        _run(sys.executable, "-m", "venv", str(VENV))
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    python = str(BIN / "python")
    _run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    _run(python, "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(digest)


def _flask(*args: str) -> None:
    """Run a `flask --app wsgi` command inside the virtual environment."""
    _run(str(BIN / "flask"), "--app", "wsgi", *args)


def _exec_flask(*args: str) -> None:
    """Replace this process with a `flask --app wsgi` command, so stopping one stops the portal."""
    command = [str(BIN / "flask"), "--app", "wsgi", *args]
    print("$", " ".join(command), flush=True)
    os.chdir(ROOT)
    if os.name == "nt":  # no exec on Windows: wait for the child and pass on its exit code
        sys.exit(subprocess.run(command).returncode)
    os.execv(command[0], command)


def serve(args: list[str]) -> None:
    """Prepare the embedded database with the demo data and run the portal."""
    _ensure_environment("")
    _flask("db", "upgrade")
    _flask("seed-demo")
    _exec_flask("serve", *args)


def test(args: list[str]) -> None:
    """Prepare the environment with the test tools and run the test suite."""
    if os.environ.get("CI", "").lower() == "true":
        missing = [p for p in BROWSER_PACKAGES if not shutil.which(p.replace("-driver", "driver"))]
        _install_system_packages(missing)
    _ensure_environment("dev")
    _run(str(BIN / "python"), "-m", "pytest", *args)


def main(argv: list[str]) -> None:
    """Dispatch `serve` or `test`."""
    commands = {"serve": serve, "test": test}
    if not argv or argv[0] not in commands:
        sys.exit("usage: python3 wsgi.py serve [--port N] | test [pytest arguments]")
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
else:
    from competence import create_app

    app = create_app()
