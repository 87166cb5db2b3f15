#!/usr/bin/env python3
"""Set up and run the portal, or its tests, from nothing but a Python interpreter.

    python3 dev.py run      # venv, dependencies, database, reference and demo data; serves :8000
    python3 dev.py test     # venv, dev dependencies; runs the whole test suite (extra args go to pytest)

This file runs under any Python 3 so that it can find the 3.12+ interpreter Django 6 needs;
keep its syntax old (no match statements, no new typing syntax).
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
MIN_VERSION = (3, 12)
IS_WINDOWS = os.name == "nt"


def say(message):
    print("[dev] " + message, flush=True)


def version_of(python):
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    try:
        major, minor = out.stdout.strip().split(".")
        return int(major), int(minor)
    except ValueError:
        return None


def candidate_interpreters():
    """Interpreters to try, most explicit first."""
    if os.environ.get("PORTAL_PYTHON"):
        yield os.environ["PORTAL_PYTHON"]
    yield sys.executable
    for name in ("python3.14", "python3.13", "python3.12", "python3"):
        found = shutil.which(name)
        if found:
            yield found
    home = os.path.expanduser("~")
    for pattern in (
        os.path.join(home, ".pyenv", "versions", "3.1[2-9]*", "bin", "python3"),
        "/root/.pyenv/versions/3.1[2-9]*/bin/python3",
        "/usr/local/bin/python3.1[2-9]",
        "/usr/bin/python3.1[2-9]",
        "/opt/homebrew/bin/python3.1[2-9]",
    ):
        for path in sorted(glob.glob(pattern), reverse=True):
            yield path
    if IS_WINDOWS and shutil.which("py"):
        for minor in (14, 13, 12):
            out = subprocess.run(
                ["py", "-3.%d" % minor, "-c", "import sys; print(sys.executable)"],
                capture_output=True,
                text=True,
            )
            if out.returncode == 0:
                yield out.stdout.strip()


def find_python():
    seen = set()
    for python in candidate_interpreters():
        if python in seen:
            continue
        seen.add(python)
        version = version_of(python)
        if version and version >= MIN_VERSION:
            return python
    sys.exit(
        "[dev] This portal needs Python %d.%d or newer (Django 6), and none was found.\n"
        "      Install Python 3.12+ (python.org, your package manager or pyenv), or point\n"
        "      PORTAL_PYTHON at one: PORTAL_PYTHON=/path/to/python3.12 python3 dev.py run" % MIN_VERSION
    )


def venv_python():
    if IS_WINDOWS:
        return os.path.join(VENV, "Scripts", "python.exe")
    return os.path.join(VENV, "bin", "python")


def ensure_venv():
    python = venv_python()
    version = version_of(python) if os.path.exists(python) else None
    if version and version >= MIN_VERSION:
        return python
    base = find_python()
    if os.path.exists(VENV):
        say("recreating .venv (it has Python %s)" % (version,))
        shutil.rmtree(VENV)
    say("creating .venv with " + base)
    subprocess.run([base, "-m", "venv", VENV], check=True)
    return python


def ensure_requirements(python, files):
    """Install the requirement files unless the same set is already installed."""
    digest = hashlib.sha256()
    for name in files:
        with open(os.path.join(ROOT, name), "rb") as handle:
            digest.update(handle.read())
    # requirements-dev.txt includes requirements.txt, so hash that too.
    with open(os.path.join(ROOT, "requirements.txt"), "rb") as handle:
        digest.update(handle.read())
    stamp = os.path.join(VENV, ".installed-" + "-".join(f.replace(".txt", "") for f in files))
    wanted = digest.hexdigest()
    if os.path.exists(stamp):
        with open(stamp) as handle:
            if handle.read().strip() == wanted:
                return
    say("installing " + ", ".join(files))
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip"],
        check=True,
    )
    args = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for name in files:
        args += ["-r", os.path.join(ROOT, name)]
    subprocess.run(args, check=True)
    with open(stamp, "w") as handle:
        handle.write(wanted)


def manage(python, *args, env=None):
    subprocess.run([python, os.path.join(ROOT, "manage.py")] + list(args), check=True, cwd=ROOT, env=env)


def run(extra):
    python = ensure_venv()
    ensure_requirements(python, ["requirements.txt"])
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    manage(python, "migrate", "--noinput", env=env)
    manage(python, "bootstrap", "--demo", env=env)
    address = extra[0] if extra else "127.0.0.1:8000"
    say("serving on http://%s/ (Ctrl+C stops)" % address)
    os.chdir(ROOT)
    args = [python, "manage.py", "runserver", address]
    if IS_WINDOWS:
        sys.exit(subprocess.run(args, env=env).returncode)
    os.execve(python, args, env)


def test(extra):
    python = ensure_venv()
    ensure_requirements(python, ["requirements-dev.txt"])
    os.chdir(ROOT)
    args = [python, "-m", "pytest"] + list(extra)
    if IS_WINDOWS:
        sys.exit(subprocess.run(args).returncode)
    os.execv(python, args)


def main(argv):
    commands = {"run": run, "test": test}
    if len(argv) < 2 or argv[1] not in commands:
        sys.exit("usage: python3 dev.py run [ADDR:PORT] | python3 dev.py test [PYTEST ARGS]")
    commands[argv[1]](argv[2:])


if __name__ == "__main__":
    main(sys.argv)
