"""Jobs are queued by name (tasks.queueing): every name resolves to a registered job, also in a fresh
web process where nothing has imported tasks/jobs.py yet (autodiscovery runs on the first job)."""

import subprocess
import sys

import pytest
from django.conf import settings

from reform.celery import beat_schedule
from tasks import queueing

NAMES = sorted(
    value
    for key, value in vars(queueing).items()
    if key.isupper() and isinstance(value, str) and value.startswith("tasks.")
)

PROBE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.test_settings")
import django
django.setup()
from tasks import queueing
assert "tasks.jobs" not in sys.modules, "tasks.jobs was imported before the first job"
for name in sys.argv[1:]:
    assert queueing.job(name).name == name, name
print("registered", len(sys.argv) - 1)
"""


def test_every_job_name_is_registered_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *NAMES],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"registered {len(NAMES)}"


@pytest.mark.django_db
def test_the_names_are_the_jobs_and_beat_names_only_those():
    assert len(NAMES) == 13
    for name in NAMES:
        assert queueing.job(name).name == name
    assert {entry["task"] for entry in beat_schedule(settings).values()} <= set(NAMES)
