"""Fuzz the REST API with schemathesis: a live server with the demo data, once as each demo role.

    DATABASE_URL=postgres://... SECRET_KEY=... python scripts/api_fuzz.py [--max-examples N] [--seed S]
    DATABASE_URL=sqlite:///any.sqlite3 ...          (SQLite: the file named is never opened)

1. A throwaway database beside DATABASE_URL's (`<name>_fuzz` on the same PostgreSQL server, dropped and
   created anew; a temporary file for SQLite): the fuzzer POSTs and PATCHes random data, which must
   never reach the database it was given. `migrate` and `bootstrap --demo` fill it.
2. The portal under gunicorn on a free loopback port, with that database, a temporary MEDIA_ROOT, no
   Redis (jobs run in-process, mail goes to memory) and the API throttles raised (API_THROTTLE_USER,
   API_THROTTLE_TOKEN): the fuzzer would otherwise be throttled, which is no finding.
3. For each demo role (office, liaison, leader) a token from POST /api/v1/auth/token/, then
   `schemathesis run` on /api/v1/schema/ with that token and the checks not_a_server_error,
   status_code_conformance, content_type_conformance and response_schema_conformance. DELETE
   /auth/token/ is left out: it would revoke the token the run is using. The seed is drawn at random
   for each run (secrets.randbelow), so that every run explores new cases; it is printed at the start
   and with any failure ("replay with --seed N"), and `--seed N` replays that run. One worker and a
   bounded number of examples per operation keep a run repeatable by its seed and within minutes.
   Random ids would only ever meet 404s, so before the runs a liaison reports progress with an evidence
   file, requests completion of a task its department leads (one for the office to verify or return)
   and an extension of a dated task (one to decide), requests two of its department's reports (one
   left built, to fill in and submit; one submitted, for the office to approve or return), and the
   office uploads a document (an import draft to review), and each role's run gets a
   schemathesis config whose dictionaries hold the ids that role sees (tasks, documents, assignments,
   deadlines, targets, regions, departments, imports, evidence, extension requests, reports) and the task
   versions for If-Match:
   the fuzzer draws path ids, filters and edited rows from them most of the time.
4. Per role: the test cases generated, the failures and the time. Exits 1 on any failure or error; the
   server is always stopped and the throwaway database dropped (unless --keep).

Reports (schemathesis' JSON run report and JUnit XML per role, the server's log) go to
var/api-fuzz/<database>/ (postgresql or sqlite), so that a run on each keeps its own.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
# DELETE /auth/token/ revokes the caller's token: the rest of the run would only see 401s.
EXCLUDED_OPERATIONS = ["auth_token_destroy"]
SCHEMA_PATH = "/api/v1/schema/"
TOKEN_PATH = "/api/v1/auth/token/"
REPORT_ROOT = ROOT / "var" / "api-fuzz"
# Seeds drawn for a run: below 2**32, short enough to copy from a log.
SEED_RANGE = 2**32
PHASES = "examples,coverage,fuzzing,stateful"
SERVER_START_SECONDS = 60


def say(message: str) -> None:
    print(f"api fuzz: {message}", flush=True)


@dataclass
class RoleResult:
    role: str
    username: str
    generated: int
    failures: int
    errors: int
    seconds: float
    exit_code: int

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failures == 0 and self.errors == 0 and self.generated > 0


# The database ---------------------------------------------------------------------------------------


class ThrowawayDatabase:
    """A database of our own beside the one DATABASE_URL names; `url` for the server's environment."""

    def __init__(self, url: str, keep: bool) -> None:
        self.source_url = url
        self.keep = keep
        self.url = ""
        self._pg: dict | None = None
        self._name = ""
        self._tmpdir: str | None = None

    def __enter__(self) -> ThrowawayDatabase:
        parts = urlsplit(self.source_url)
        if parts.scheme == "sqlite":
            self._tmpdir = tempfile.mkdtemp(prefix="api-fuzz-db-")
            self.url = f"sqlite:///{self._tmpdir}/fuzz.sqlite3"
            say(f"database: a temporary SQLite file in {self._tmpdir}")
            return self
        from django.conf import settings

        db = settings.DATABASES["default"]
        self._name = f"{db['NAME']}_fuzz"
        self._pg = {
            "host": db["HOST"] or None,
            "port": db["PORT"] or None,
            "user": db["USER"] or None,
            "password": db["PASSWORD"] or None,
        }
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self._execute("CREATE DATABASE {}")
        path = "/" + self._name
        self.url = urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
        say(f"database: {self._name} (created for this run, dropped after)")
        return self

    def _execute(self, statement: str) -> None:
        """`statement` with the throwaway database's name for {}, on the server's maintenance database."""
        import psycopg
        from django.conf import settings
        from psycopg import sql

        query = sql.SQL(statement).format(sql.Identifier(self._name))

        last_error: Exception | None = None
        # The maintenance database first, as Django's test runner does; else the one we were given.
        for dbname in ("postgres", settings.DATABASES["default"]["NAME"]):
            try:
                with psycopg.connect(dbname=dbname, autocommit=True, **self._pg) as conn:
                    conn.execute(query)
                return
            except psycopg.OperationalError as error:
                last_error = error
        raise RuntimeError(f"cannot reach the PostgreSQL server: {last_error}")

    def __exit__(self, *exc_info) -> None:
        if self.keep:
            say(f"database kept: {self.url}")
            return
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        elif self._pg is not None:
            self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


# The server -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url: str, media_root: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        {
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": media_root,
            "DEBUG": "false",  # a 500 is the API's JSON error, as in production
            # Plain HTTP on loopback: production's redirect to HTTPS would answer every request 301.
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "API_THROTTLE_USER": "1000000/hour",
            "API_THROTTLE_TOKEN": "100000/minute",
            "LOG_LEVEL": "WARNING",
            # Robots the fuzzer configures post to hosts this machine cannot reach: fail fast.
            "NOTICE_HTTP_TIMEOUT_SECONDS": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.setdefault("SECRET_KEY", "api-fuzz-only-secret-key")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


class Server:
    def __init__(self, env: dict[str, str], log_path: Path, sqlite: bool) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # SQLite allows one writer: a second worker would only produce "database is locked".
        self.workers = "1" if sqlite else "2"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "reform.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    self.workers,
                    "--timeout",
                    "120",
                    "--error-logfile",
                    "-",
                    "--access-logfile",
                    "-",
                    # No request-line or header-size limit of gunicorn's own: its 414/431 are HTML pages
                    # of the web server, outside the API's schema, and the fuzzer's longest query strings
                    # should reach the API.
                    "--limit-request-line",
                    "0",
                    "--limit-request-field_size",
                    "0",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()}")
            try:
                # self.base is the http://127.0.0.1 address of the server this script started.
                with urllib.request.urlopen(self.base + SCHEMA_PATH, timeout=10) as response:  # nosec B310
                    if response.status == 200:
                        say(f"server: gunicorn on {self.base} (pid {self.process.pid})")
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the server did not answer within {SERVER_START_SECONDS}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def token(self, username: str, password: str) -> str:
        body = json.dumps({"username": username, "password": password}).encode()
        request = urllib.request.Request(
            self.base + TOKEN_PATH, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        # Our own loopback server, as above.
        with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310
            return json.load(response)["token"]


# Test data the fuzzer can reach ---------------------------------------------------------------------

# A minimal PDF, as an evidence file (tasks/uploads.py checks the bytes).
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
SEED_DOCUMENT = ROOT / "fixtures" / "seeds" / "001_7a68ed7b43eddbc1.txt"
# How often the fuzzer takes an id from the dictionaries rather than generating one.
KNOWN_ID_PROBABILITY = 0.8
MAX_IDS = 40
# The department reports the liaison requests: the first stays built, the second is submitted.
SEED_PERIODS = ["2026-09", "2026-08"]
REPORT_BUILD_SECONDS = 60


class Client:
    """Just enough of the API for the set-up: JSON in and out, with the role's token."""

    def __init__(self, base: str, token: str) -> None:
        import requests

        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def get(self, path: str, **params: Any) -> Any:
        response = self.session.get(self.base + path, params=params, timeout=60)
        response.raise_for_status()
        return response.json()

    def pending_extension(self, task: int) -> bool:
        body = self.get(f"/api/v1/tasks/{task}/extensions/")
        rows = body["results"] if isinstance(body, dict) else body
        return any(row["status"] == "pending" for row in rows)

    def post(self, path: str, **kwargs: Any) -> Any:
        response = self.session.post(self.base + path, timeout=60, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def built(self, report: dict) -> dict:
        """The report once its build has ended (the job runs in-process here, but poll anyway)."""
        deadline = time.monotonic() + REPORT_BUILD_SECONDS
        while report["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            report = self.get(f"/api/v1/reports/{report['id']}/")
        if report["status"] != "done":
            raise RuntimeError(f"report {report['id']}: {report['status']} {report['error']}")
        return report

    def ids(self, path: str, **params: Any) -> list[int]:
        rows = self.get(path, page_size=MAX_IDS, **params)["results"]
        return [row["id"] for row in rows]


def seed_activity(server: Server, tokens: dict[str, str]) -> dict[str, list]:
    """What the demo data lacks: a progress report with evidence (by the liaison, on one of their
    department's tasks, which office and leader see too) and an import draft (by the office)."""
    seeded: dict[str, list] = {
        "evidence": [],
        "imports": [],
        "revisions": [],
        "extensions": [],
        "instructions": [],
        "replies": [],
    }
    if "liaison" in tokens:
        liaison = Client(server.base, tokens["liaison"])
        task = liaison.ids("/api/v1/tasks/")[0]
        update = liaison.post(
            f"/api/v1/tasks/{task}/progress/",
            data={"status": "in_progress", "percent": "20", "narrative": "api fuzz: seeded report"},
            files=[("files", ("evidence.pdf", PDF, "application/pdf"))],
        )
        seeded["evidence"] = [evidence["id"] for evidence in update["evidence"]]
        department = liaison.get("/api/v1/me/")["department"]["id"]
        led = liaison.ids("/api/v1/tasks/", lead_department=department, status="in_progress")
        if led:
            # With its evidence (佐证材料): the demo's documents require it for completion.
            liaison.post(
                f"/api/v1/tasks/{led[-1]}/completion-request/",
                data={"narrative": "api fuzz: done"},
                files=[("files", ("completion.pdf", PDF, "application/pdf"))],
            )
        dated = [
            row["id"]
            for row in liaison.get("/api/v1/tasks/", page_size=MAX_IDS)["results"]
            if row["due_on"] and row["status"] not in ("completed", "pending_verification")
        ]
        # A task without a pending request (the demo seeds one: one may be pending per task).
        dated = [task for task in dated if not liaison.pending_extension(task)][:1]
        if dated:
            extension = liaison.post(
                f"/api/v1/tasks/{dated[0]}/extensions/",
                json={"requested_due_on": "2099-12-31", "reason": "api fuzz: seeded request"},
            )
            seeded["extensions"] = [extension["id"]]
        reports = [
            liaison.built(
                liaison.post(
                    "/api/v1/reports/", json={"kind": "department", "department": department, "period": p}
                )
            )
            for p in SEED_PERIODS
        ]
        liaison.post(f"/api/v1/reports/{reports[-1]['id']}/submit/")
    if "leader" in tokens and "liaison" in tokens:
        # A 批示 on one of the liaison's tasks that the leader sees, answered with a PDF: the reply and
        # download endpoints then meet real objects.
        leader, liaison = Client(server.base, tokens["leader"]), Client(server.base, tokens["liaison"])
        shared = sorted(set(leader.ids("/api/v1/tasks/")) & set(liaison.ids("/api/v1/tasks/")))
        for task in shared:
            try:
                instruction = leader.post(
                    f"/api/v1/tasks/{task}/instructions/", json={"text": "api fuzz: seeded"}
                )
            except RuntimeError:
                continue  # a task without a lead department takes no instruction
            if instruction["department"]["id"] != liaison.get("/api/v1/me/")["department"]["id"]:
                continue  # another department leads it: the liaison may not answer
            reply = liaison.post(
                f"/api/v1/instructions/{instruction['id']}/replies/",
                data={"text": "api fuzz: seeded reply"},
                files=[("file", ("reply.pdf", PDF, "application/pdf"))],
            )
            seeded["instructions"], seeded["replies"] = [instruction["id"]], [reply["id"]]
            break
    if "office" in tokens:
        office = Client(server.base, tokens["office"])
        region = office.get("/api/v1/me/")["region"]["id"]
        draft = office.post(
            "/api/v1/document-imports/",
            data={"region": str(region)},
            files=[("file", (SEED_DOCUMENT.name, SEED_DOCUMENT.read_bytes(), "text/plain"))],
        )
        seeded["imports"] = [draft["id"]]
        # A review must name the draft's revision: the first edit of the draft gets past that check.
        seeded["revisions"] = [draft["revision"]]
    return seeded


def known_values(server: Server, token: str, seeded: dict[str, list]) -> dict[str, list]:
    """The ids this role sees, by dictionary name (empty lists are left out of the config)."""
    client = Client(server.base, token)
    me = client.get("/api/v1/me/")
    role = me["role"]
    tasks = client.get("/api/v1/tasks/", page_size=MAX_IDS)["results"]
    values: dict[str, list] = {
        "tasks": [task["id"] for task in tasks],
        # If-Match as the tasks were loaded: most edits get past the version check.
        "versions": sorted({f'"{task["version"]}"' for task in tasks}),
        "documents": client.ids("/api/v1/documents/"),
        "assignments": client.ids("/api/v1/assignments/"),
        "deadlines": client.ids("/api/v1/deadlines/"),
        "targets": client.ids("/api/v1/targets/"),
        # The user's own region first: the one an upload may name (with the regions below it).
        "regions": [me["region"]["id"], *client.ids("/api/v1/regions/", parent=me["region"]["code"])]
        if me["region"]
        else client.ids("/api/v1/regions/"),
        "departments": client.ids("/api/v1/departments/", region="410100"),
        "region_codes": ["410000", "410100", "410102", "430000", "512000"],
        "evidence": seeded.get("evidence", []),
        "imports": client.ids("/api/v1/document-imports/") if role == "office" else seeded.get("imports", []),
        "revisions": seeded.get("revisions", []),
        "extensions": seeded.get("extensions", []),
        "reports": client.ids("/api/v1/reports/"),
        "instructions": client.ids("/api/v1/instructions/") or seeded.get("instructions", []),
        "replies": seeded.get("replies", []),
        "periods": SEED_PERIODS,
    }
    return {name: items for name, items in values.items() if items}


# {operation id regex: {parameter: dictionary}}; and parameters of any operation.
OPERATION_BINDINGS = {
    r"^tasks_(retrieve|update|partial_update|progress_list|progress_create|reminders_create"
    r"|completion_request_create|verify_create|return_create|extensions_list|extensions_create"
    r"|instructions_list|instructions_create)$": {
        "path.id": "tasks",
        "header.If-Match": "versions",
    },
    r"^documents_retrieve$": {"path.id": "documents"},
    r"^assignments_retrieve$": {"path.id": "assignments"},
    r"^deadlines_retrieve$": {"path.id": "deadlines"},
    r"^targets_retrieve$": {"path.id": "targets"},
    r"^regions_retrieve$": {"path.id": "regions"},
    r"^departments_retrieve$": {"path.id": "departments"},
    r"^document_imports_(retrieve|destroy|confirm_create)$": {"path.id": "imports"},
    r"^document_imports_review_create$": {"path.id": "imports", "body.fields.revision": "revisions"},
    r"^evidence_download_retrieve$": {"path.id": "evidence"},
    r"^extensions_decision_create$": {"path.id": "extensions"},
    r"^instructions_(retrieve|replies_create)$": {"path.id": "instructions"},
    r"^instruction_replies_download_retrieve$": {"path.id": "replies"},
    r"^reports_(retrieve|download_retrieve|upload_create|submit_create|approve_create|return_create)$": {
        "path.id": "reports"
    },
}
GLOBAL_BINDINGS = {
    "query.task": "tasks",
    "query.document": "documents",
    "query.department": "departments",
    "query.lead_department": "departments",
    "query.region": "region_codes",
    "query.parent": "region_codes",
    "body.region": "regions",
    "body.assignments[*].department": "departments",
    "body.deadlines[*].id": "deadlines",
    "body.targets[*].id": "targets",
    "body.deadline": "deadlines",
    "body.department": "departments",
    "query.period": "periods",
    "body.period": "periods",
}


def toml_value(value: Any) -> str:
    """JSON's strings, numbers and arrays are TOML's too; tables are written inline."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, ensure_ascii=False)


def write_config(path: Path, values: dict[str, list]) -> None:
    def binding(dictionary: str) -> dict[str, Any]:
        return {"dictionary": dictionary, "probability": KNOWN_ID_PROBABILITY}

    lines = ["# Written by scripts/api_fuzz.py for one role's run: the ids it sees.", ""]
    for name, items in values.items():
        lines += [f"[dictionaries.{name}]", f"values = {toml_value(items)}", ""]
    globals_ = {key: binding(name) for key, name in GLOBAL_BINDINGS.items() if name in values}
    if globals_:
        lines += ["[parameters]", *(f"{json.dumps(k)} = {toml_value(v)}" for k, v in globals_.items()), ""]
    for regex, bindings in OPERATION_BINDINGS.items():
        parameters = {key: binding(name) for key, name in bindings.items() if name in values}
        if parameters:
            lines += [
                "[[operations]]",
                f"include-operation-id-regex = {toml_value(regex)}",
                f"parameters = {toml_value(parameters)}",
                "",
            ]
    path.write_text("\n".join(lines), encoding="utf-8")


# The fuzzer -----------------------------------------------------------------------------------------


def demo_accounts() -> tuple[list[tuple[str, str]], str]:
    """(role, username) of the first demo account of each role, and the demo password."""
    import django

    django.setup()
    from accounts.models import Role
    from tasks.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    accounts = []
    for role in (Role.OFFICE, Role.LIAISON, Role.LEADER):
        username = next(account.username for account in DEMO_ACCOUNTS if account.role == role)
        accounts.append((str(role), username))
    return accounts, DEMO_PASSWORD


def run_schemathesis(
    server: Server, role: str, token: str, config: Path, options: argparse.Namespace, report_dir: Path
) -> tuple[int, dict]:
    report = report_dir / f"{role}.json"
    report.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        server.base + SCHEMA_PATH,
        "--checks",
        ",".join(CHECKS),
        "--header",
        f"Authorization: Token {token}",
        "--max-examples",
        str(options.max_examples),
        "--seed",
        str(options.seed),
        "--workers",
        "1",
        "--phases",
        options.phases,
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--report",
        "json,junit",
        "--report-json-path",
        str(report),
        "--report-junit-path",
        str(report_dir / f"{role}.junit.xml"),
        "--no-color",
    ]
    for operation_id in EXCLUDED_OPERATIONS:
        command += ["--exclude-operation-id", operation_id]
    if options.max_failures:
        command += ["--max-failures", str(options.max_failures)]
    # The token is a secret of the throwaway database only, but keep it out of the log anyway.
    shown = " ".join(
        "Authorization: Token ***" if part.startswith("Authorization:") else part for part in command
    )
    say(f"{role}: {shown}")
    # In the report directory: schemathesis keeps a cache (.schemathesis/) in its working directory.
    # Its console output goes to a log, shown only when the run failed: its closing line
    # ("== N warnings in Ns ==") looks like pytest's and would be read as the CI's test summary.
    log_path = report_dir / f"{role}.log"
    with log_path.open("w", encoding="utf-8") as log:
        completed = subprocess.run(command, cwd=report_dir, stdout=log, stderr=subprocess.STDOUT)
    data = json.loads(report.read_text()) if report.exists() else {}
    if completed.returncode != 0 or not data:
        say(f"{role}: schemathesis exited {completed.returncode}; its output ({log_path}):")
        print(log_path.read_text(encoding="utf-8", errors="replace"), flush=True)
    else:
        say(f"{role}: passed (output in {log_path})")
    return completed.returncode, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=20, help="test cases per operation and phase")
    parser.add_argument(
        "--seed", type=int, default=None, help="schemathesis' seed, to replay a run (default: a random one)"
    )
    parser.add_argument("--phases", default=PHASES, help="schemathesis phases (comma-separated)")
    parser.add_argument(
        "--roles", default="", help="only these roles (comma-separated: office,liaison,leader)"
    )
    parser.add_argument(
        "--max-failures", type=int, default=0, help="stop a role's run after so many failures"
    )
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database (to investigate)")
    options = parser.parse_args()

    source_url = os.environ.get("DATABASE_URL") or "sqlite:///db.sqlite3"
    backend = "sqlite" if urlsplit(source_url).scheme == "sqlite" else "postgresql"
    drawn = options.seed is None
    if drawn:
        options.seed = secrets.randbelow(SEED_RANGE)
    replay = replay_command(options, backend)
    say(
        f"seed {options.seed} ({'drawn at random' if drawn else 'given'}) on {backend}; replay with: {replay}"
    )
    started = time.monotonic()
    try:
        ok = fuzz(options, source_url, backend, started)
    except BaseException:
        say(f"FAILED (seed {options.seed}, {backend}): replay with --seed {options.seed}: {replay}")
        raise
    if not ok:
        say(f"FAILED (seed {options.seed}, {backend}): replay with --seed {options.seed}: {replay}")
    return 0 if ok else 1


def replay_command(options: argparse.Namespace, backend: str) -> str:
    """The command line that repeats this run: its seed and every option that shapes the cases."""
    url = "sqlite:///fuzz.sqlite3" if backend == "sqlite" else "postgres://..."
    parts = [f"DATABASE_URL={url}", "python", "scripts/api_fuzz.py", "--seed", str(options.seed)]
    parts += ["--max-examples", str(options.max_examples)]
    if options.phases != PHASES:
        parts += ["--phases", options.phases]
    if options.roles:
        parts += ["--roles", options.roles]
    if options.max_failures:
        parts += ["--max-failures", str(options.max_failures)]
    return " ".join(parts)


def fuzz(options: argparse.Namespace, source_url: str, backend: str, started: float) -> bool:
    """The run itself (see the module docstring); true when every role's run passed."""
    report_dir = REPORT_ROOT / backend
    accounts, password = demo_accounts()
    if options.roles:
        wanted = {role.strip() for role in options.roles.split(",")}
        accounts = [(role, username) for role, username in accounts if role in wanted]
    report_dir.mkdir(parents=True, exist_ok=True)

    results: list[RoleResult] = []
    with ExitStack() as stack:
        database = stack.enter_context(ThrowawayDatabase(source_url, keep=options.keep))
        media_root = stack.enter_context(tempfile.TemporaryDirectory(prefix="api-fuzz-media-"))
        env = server_environment(database.url, media_root)
        say("migrate and bootstrap --demo")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "bootstrap", "--demo")
        server = stack.enter_context(
            Server(env, report_dir / "server.log", database.url.startswith("sqlite"))
        )
        tokens = {role: server.token(username, password) for role, username in accounts}
        seeded = seed_activity(server, tokens)
        for role, username in accounts:
            role_started = time.monotonic()
            config = report_dir / f"{role}.toml"
            write_config(config, known_values(server, tokens[role], seeded))
            exit_code, report = run_schemathesis(server, role, tokens[role], config, options, report_dir)
            cases = report.get("test_cases") or {}
            results.append(
                RoleResult(
                    role=role,
                    username=username,
                    generated=cases.get("generated", 0),
                    failures=sum(group.get("count", 0) for group in report.get("failures", [])),
                    errors=sum(group.get("count", 0) for group in report.get("errors", [])),
                    seconds=time.monotonic() - role_started,
                    exit_code=exit_code if report else exit_code or 1,
                )
            )
        server.stop()
        if any(not result.ok for result in results):
            errors = [line for line in server.log().splitlines() if "ERROR" in line or "Traceback" in line]
            if errors:
                say(f"server log, errors (whole log in {report_dir.relative_to(ROOT)}/server.log):")
                print("\n".join(errors[-40:]), flush=True)

    say(f"summary (seed {options.seed}, {backend})")
    for result in results:
        verdict = "ok" if result.ok else f"FAILED (schemathesis exit {result.exit_code})"
        say(
            f"  {result.role:<8} {result.username:<12} {result.generated:>6} cases  "
            f"{result.failures} failures  {result.errors} errors  {result.seconds:6.1f}s  {verdict}"
        )
    total = sum(result.generated for result in results)
    say(f"  total    {total} cases in {time.monotonic() - started:.1f}s")
    return bool(results) and all(result.ok for result in results)


if __name__ == "__main__":
    sys.exit(main())
