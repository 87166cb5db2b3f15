"""Copy the front-end libraries from their npm packages into static/vendor/ (our users' intranets have
no internet, so nothing is loaded from a CDN).

    python scripts/vendor_static.py          # fetch the pinned versions with `npm pack`, copy, record
    python scripts/vendor_static.py --check  # verify static/vendor matches static/vendor/VERSIONS.json

Needs Node's npm only when (re)vendoring; the copied files are committed, so running the portal never does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
MANIFEST = VENDOR / "VERSIONS.json"

# package -> (version, {path inside the package: path under static/vendor/})
PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "bootstrap": (
        "5.3.9",
        {
            "dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
            "dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
            "dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
            "dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
            "LICENSE": "bootstrap/LICENSE",
        },
    ),
    "bootstrap-icons": (
        "1.13.2",
        {
            "font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
            "font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
            "font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
            "LICENSE": "bootstrap-icons/LICENSE",
        },
    ),
    # htmx 2 is the stable line our templates are written for.
    "htmx.org": (
        "2.0.11",
        {"dist/htmx.min.js": "htmx/htmx.min.js", "LICENSE": "htmx/LICENSE"},
    ),
    "echarts": (
        "5.6.0",
        {"dist/echarts.min.js": "echarts/echarts.min.js", "LICENSE": "echarts/LICENSE"},
    ),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(name: str, version: str, workdir: Path) -> Path:
    """Download the package tarball with `npm pack` and unpack it; returns the package folder."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    target = workdir / name.replace("/", "_")
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def vendor() -> None:
    manifest: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, files) in PACKAGES.items():
            package = fetch(name, version, Path(tmp))
            recorded = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
            if recorded != version:
                sys.exit(f"{name}: npm gave {recorded}, expected {version}")
            shutil.rmtree(VENDOR / files[next(iter(files))].split("/")[0], ignore_errors=True)
            copied = {}
            for source, destination in files.items():
                path = VENDOR / destination
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(package / source, path)
                copied[destination] = sha256(path)
            manifest[name] = {"version": version, "files": copied}
            print(f"vendored {name}@{version}: {len(copied)} files")
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check() -> int:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    problems = []
    for name, (version, files) in PACKAGES.items():
        entry = manifest.get(name)
        if entry is None or entry["version"] != version:
            problems.append(f"{name}: VERSIONS.json does not record {version}; run scripts/vendor_static.py")
            continue
        for destination in files.values():
            path = VENDOR / destination
            if not path.exists() or sha256(path) != entry["files"].get(destination):
                problems.append(f"{destination}: missing or changed since vendoring")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        sys.exit(check())
    vendor()
