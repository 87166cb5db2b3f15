"""Two people saving the same task at the same moment, on real threads and real PostgreSQL connections.

Each round starts both writers behind a barrier so that their transactions overlap: office edits with
the same expected version serialise on the task's row lock and the later one is refused; two
departments' progress reports both land, one after the other.
"""

import os
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tasks.ledger.services.editing import VersionConflict, edit_task, update_task
from tasks.ledger.services.progress import record_progress
from tasks.models import ProgressUpdate, Task, TaskChange, TaskStatus
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run this on PostgreSQL (set DATABASE_URL)")
        pytest.skip("row locks between connections need PostgreSQL (SQLite serialises whole-database)")


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls on threads released at once; each call's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the outcome under test, asserted by the caller
            outcomes[index] = error
        finally:
            connection.close()  # each thread has its own connection; do not leak it

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    return outcomes


def test_two_office_staff_saving_the_same_version_one_wins_the_other_gets_a_conflict(office, insurance_task):
    colleague = UserFactory(username="zz_office_2", office=True, region=office.region)
    for round_ in range(ROUNDS):
        task = Task.objects.get(pk=insurance_task.pk)
        version = task.version
        changes_before = TaskChange.objects.filter(task=task).count()
        mine, theirs = f"第{round_}轮 甲", f"第{round_}轮 乙"

        outcomes = run_together(
            lambda t=task, v=version, text=mine: update_task(t, expected_version=v, user=office, text=text),
            lambda t=task, v=version, text=theirs: edit_task(
                Task.objects.get(pk=t.pk), colleague, expected_version=v, fields={"text": text}
            ),
        )

        conflicts = [o for o in outcomes if isinstance(o, VersionConflict)]
        winners = [o for o in outcomes if isinstance(o, Task)]
        assert (len(winners), len(conflicts)) == (1, 1), outcomes
        winner = winners[0]
        stored = Task.objects.get(pk=task.pk)
        assert stored.text == winner.text
        assert stored.version == version + 1
        assert conflicts[0].expected_version == version
        assert conflicts[0].current.version == version + 1
        assert "changed by someone else" in str(conflicts[0]) or "版本" in str(conflicts[0])
        assert TaskChange.objects.filter(task=task).count() == changes_before + 1
        latest = TaskChange.objects.filter(task=task).latest("pk")
        assert latest.changes["text"][1] == winner.text


def test_two_departments_reporting_at_once_are_both_recorded(liaison, other_liaison, insurance_task):
    for round_ in range(ROUNDS):
        version = Task.objects.get(pk=insurance_task.pk).version
        updates_before = ProgressUpdate.objects.filter(task=insurance_task).count()

        outcomes = run_together(
            lambda r=round_: record_progress(
                Task.objects.get(pk=insurance_task.pk),
                liaison,
                status=TaskStatus.IN_PROGRESS,
                percent=10 + r,
                narrative=f"医保局第{r}次报送",
            ),
            lambda r=round_: record_progress(
                Task.objects.get(pk=insurance_task.pk),
                other_liaison,
                status=TaskStatus.IN_PROGRESS,
                percent=50 + r,
                narrative=f"卫健委第{r}次报送",
            ),
        )

        assert all(isinstance(o, ProgressUpdate) for o in outcomes), outcomes
        stored = Task.objects.get(pk=insurance_task.pk)
        assert stored.version == version + 2
        updates = ProgressUpdate.objects.filter(task=insurance_task).order_by("pk")
        assert updates.count() == updates_before + 2
        last_two = list(updates)[-2:]
        assert {u.department_id for u in last_two} == {liaison.department_id, other_liaison.department_id}
        # The task shows the report committed last.
        assert stored.progress == last_two[-1].percent
