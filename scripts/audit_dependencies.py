"""Known vulnerabilities of the pinned runtime dependencies (requirements.txt), with pip-audit.

pip-audit resolves requirements.txt (with its transitive dependencies) and asks a vulnerability service
about each exact version: PyPI's JSON API by default (`/pypi/NAME/VERSION/json`, which lists advisories
from the PyPA advisory database), or OSV with `--service osv`. Fails on any known vulnerability.

A package the service cannot answer for is skipped by pip-audit, which then still says "No known
vulnerabilities found". This script counts what was really audited and says loudly when a package was
not; with --require-service it fails then too. Where CI runs, the package index is a mirror without the
per-version JSON API and OSV is not reachable, so pip-audit itself audits nothing there. For those
packages the script falls back on the project-level JSON (`/pypi/NAME/json`), whose `vulnerabilities`
are those of the latest release: a package pinned at its latest release is audited that way; one pinned
at an older release stays "not audited", named with both versions.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def latest_release_advisories(name: str, version: str) -> tuple[bool, list[dict], str]:
    """(audited, advisories affecting `version`, latest version) from PyPI's project-level JSON."""
    url = PROJECT_JSON.format(name=name)
    try:
        # A fixed https URL (bandit's B310 is about file: and custom schemes).
        with urllib.request.urlopen(url, timeout=15) as response:  # nosec B310
            data = json.load(response)
    except (OSError, ValueError):
        return False, [], "?"
    latest = data["info"]["version"]
    if latest != version:
        return False, [], latest
    advisories = [v for v in data.get("vulnerabilities") or [] if not v.get("withdrawn")]
    return True, advisories, latest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--require-service", action="store_true", help="fail when a package was not audited")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        result = subprocess.run(
            [
                sys.executable, "-m", "pip_audit",
                "-r", str(ROOT / "requirements.txt"),
                "--vulnerability-service", args.service,
                "--progress-spinner", "off",
                "--format", "json",
                "--output", str(report),
            ],
            cwd=ROOT,
            check=False,
        )  # fmt: skip
        if not report.exists():
            print(f"pip-audit did not run (exit {result.returncode})", file=sys.stderr)
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]

    skipped = [d for d in dependencies if "skip_reason" in d]
    fallback_audited, older = 0, []
    for dependency in skipped:
        # A skipped package carries its version only in the reason: "... could not be audited: name (1.2)".
        version = dependency.get("version") or dependency["skip_reason"].rsplit("(", 1)[-1].rstrip(")")
        dependency["version"] = version
        audited_here, advisories, latest = latest_release_advisories(dependency["name"], version)
        if audited_here:
            fallback_audited += 1
            dependency.pop("skip_reason")
            dependency["vulns"] = [
                {"id": v.get("id", "?"), "fix_versions": v.get("fixed_in") or []} for v in advisories
            ]
        else:
            older.append(f"{dependency['name']} {dependency['version']} (latest {latest})")
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    print(
        f"pip-audit ({args.service}): {audited} of {len(dependencies)} packages audited, {len(vulnerable)} vulnerable"
    )
    if fallback_audited:
        print(
            f"  of which {fallback_audited} through the project-level JSON (pinned at their latest release)"
        )
    if skipped:
        print(
            f"NOT AUDITED: {len(skipped)} packages, the vulnerability service had no answer for them "
            f"(e.g. {skipped[0]['name']}: {skipped[0]['skip_reason']}); pinned below their latest release: "
            + ", ".join(older)
        )
    if vulnerable:
        return 1
    if skipped and args.require_service:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
