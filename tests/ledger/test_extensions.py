"""Deadline extensions (延期申请): a department asks with a reason; the office approves or refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tasks.access import NotPermitted
from tasks.ledger.services.extensions import decide_extension, request_extension
from tasks.models import Deadline, ExtensionRequest, Task, TaskChange
from tests.factories import DeadlineFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("tasks.ledger.services.extensions.timezone.localdate", lambda: TODAY)


@pytest.fixture
def deadline(insurance_task):
    return DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 6, 30))


@pytest.fixture
def extension(liaison, insurance_task, deadline):
    return request_extension(
        insurance_task, liaison, requested_due_on=datetime.date(2026, 9, 30), reason="国家配套文件尚未出台。"
    )


def state(task):
    task = Task.objects.get(pk=task.pk)
    return (
        task.version,
        list(Deadline.objects.filter(task=task).values_list("due_on", "original_due_on")),
        list(ExtensionRequest.objects.values_list("status", "requested_due_on")),
        TaskChange.objects.count(),
    )


class TestRequesting:
    def test_a_liaison_requests_a_later_date_for_the_final_deadline(self, extension, liaison, deadline):
        assert (extension.status, extension.deadline, extension.current_due_on) == (
            ExtensionRequest.Status.PENDING,
            deadline,
            datetime.date(2026, 6, 30),
        )
        assert (extension.requested_by, extension.department) == (liaison, liaison.department)

    def test_a_cooperating_department_may_request(self, other_liaison, insurance_task, deadline):
        request = request_extension(
            insurance_task, other_liaison, requested_due_on=datetime.date(2026, 8, 31), reason="需要协调。"
        )
        assert request.department == other_liaison.department

    def test_requesting_does_not_change_the_task(self, extension, insurance_task):
        assert Task.objects.get(pk=insurance_task.pk).version == 1
        assert Deadline.objects.get(task=insurance_task).due_on == datetime.date(2026, 6, 30)

    @pytest.mark.parametrize(
        ("requested", "reason", "message"),
        [
            (datetime.date(2026, 9, 30), "  ", "Give a reason"),
            (datetime.date(2026, 6, 30), "原因", "later than the current deadline"),
            (datetime.date(2026, 3, 1), "原因", "later than the current deadline"),
            ("2026-09-30", "原因", "requested new date"),
        ],
    )
    def test_bad_requests_are_refused(self, liaison, insurance_task, deadline, requested, reason, message):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match=message):
            request_extension(insurance_task, liaison, requested_due_on=requested, reason=reason)

        assert state(insurance_task) == before

    def test_a_date_in_the_past_is_refused(self, liaison, insurance_task):
        DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 1, 31))
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="in the past"):
            request_extension(
                insurance_task, liaison, requested_due_on=datetime.date(2026, 4, 1), reason="原因"
            )

        assert state(insurance_task) == before

    def test_a_task_without_a_dated_deadline(self, liaison, insurance_task):
        with pytest.raises(ValidationError, match="no dated deadline"):
            request_extension(
                insurance_task, liaison, requested_due_on=datetime.date(2026, 9, 30), reason="原因"
            )
        assert not ExtensionRequest.objects.exists()

    def test_a_deadline_of_another_task(self, liaison, insurance_task, health_task):
        foreign = DeadlineFactory(task=health_task)

        with pytest.raises(ValidationError, match="dated deadline of this task"):
            request_extension(
                insurance_task,
                liaison,
                requested_due_on=datetime.date(2026, 9, 30),
                reason="原因",
                deadline=foreign,
            )
        assert not ExtensionRequest.objects.exists()

    def test_one_pending_request_per_task(self, extension, other_liaison, insurance_task):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="already waiting"):
            request_extension(
                insurance_task, other_liaison, requested_due_on=datetime.date(2026, 12, 31), reason="再次申请"
            )

        assert state(insurance_task) == before

    def test_the_constraint_turns_into_the_same_message(
        self, extension, liaison, insurance_task, monkeypatch
    ):
        # A concurrent request that passed the check first: the database has the last word.
        monkeypatch.setattr(
            "tasks.ledger.services.extensions.ExtensionRequest.objects.filter",
            lambda **kwargs: ExtensionRequest.objects.none(),
        )

        with pytest.raises(ValidationError, match="already waiting"):
            request_extension(
                insurance_task, liaison, requested_due_on=datetime.date(2026, 12, 31), reason="并发"
            )

        assert ExtensionRequest.objects.count() == 1

    def test_another_department_does_not_see_the_task(self, liaison, health_task):
        DeadlineFactory(task=health_task)
        with pytest.raises(Task.DoesNotExist):
            request_extension(
                health_task, liaison, requested_due_on=datetime.date(2026, 9, 30), reason="原因"
            )

    @pytest.mark.parametrize("persona", ["office", "leader"])
    def test_only_liaisons_request(self, request, persona, insurance_task, deadline):
        with pytest.raises(NotPermitted):
            request_extension(
                insurance_task,
                request.getfixturevalue(persona),
                requested_due_on=datetime.date(2026, 9, 30),
                reason="原因",
            )
        assert not ExtensionRequest.objects.exists()


class TestDeciding:
    def test_approval_moves_the_deadline_and_keeps_the_original(
        self, office, extension, insurance_task, deadline
    ):
        decide_extension(extension, office, approve=True, comment="同意。")

        deadline.refresh_from_db()
        assert (deadline.due_on, deadline.original_due_on) == (
            datetime.date(2026, 9, 30),
            datetime.date(2026, 6, 30),
        )
        extension.refresh_from_db()
        assert (extension.status, extension.reviewed_by, extension.review_comment) == (
            "approved",
            office,
            "同意。",
        )
        assert Task.objects.get(pk=insurance_task.pk).version == 2
        [change] = TaskChange.objects.filter(task=insurance_task)
        assert (change.action, change.actor) == (TaskChange.Action.EXTENSION, office)
        assert change.changes == {
            "deadline": ["2026-06-30", "2026-09-30"],
            "original_due_on": [None, "2026-06-30"],
        }

    def test_a_second_extension_keeps_the_first_ever_due_date(
        self, office, liaison, extension, insurance_task, deadline
    ):
        decide_extension(extension, office, approve=True, comment="")
        second = request_extension(
            insurance_task, liaison, requested_due_on=datetime.date(2026, 12, 31), reason="仍需时间。"
        )

        decide_extension(second, office, approve=True, comment="最后一次。")

        deadline.refresh_from_db()
        assert (deadline.due_on, deadline.original_due_on) == (
            datetime.date(2026, 12, 31),
            datetime.date(2026, 6, 30),
        )

    def test_refusal_needs_a_comment_and_leaves_the_deadline(self, office, extension, insurance_task):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="reason for refusing"):
            decide_extension(extension, office, approve=False, comment="")
        assert state(insurance_task) == before

        decide_extension(extension, office, approve=False, comment="请按期完成。")

        extension.refresh_from_db()
        assert (extension.status, extension.review_comment) == ("refused", "请按期完成。")
        assert Deadline.objects.get(task=insurance_task).due_on == datetime.date(2026, 6, 30)
        assert Task.objects.get(pk=insurance_task.pk).version == 1

    def test_a_decided_request_is_not_decided_again(self, office, extension, insurance_task):
        decide_extension(extension, office, approve=False, comment="不同意。")
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="already been decided"):
            decide_extension(extension, office, approve=True, comment="")

        assert state(insurance_task) == before

    @pytest.mark.parametrize("persona", ["liaison", "leader"])
    def test_liaisons_and_leaders_cannot_decide(self, request, persona, extension, insurance_task):
        before = state(insurance_task)

        with pytest.raises(NotPermitted):
            decide_extension(extension, request.getfixturevalue(persona), approve=True, comment="")

        assert state(insurance_task) == before

    def test_an_office_of_another_city_does_not_see_it(self, outsider, extension, insurance_task):
        before = state(insurance_task)

        with pytest.raises(Task.DoesNotExist):
            decide_extension(extension, outsider, approve=True, comment="")

        assert state(insurance_task) == before

    def test_approval_falls_back_to_the_final_deadline_when_the_requested_one_was_removed(
        self, office, extension, insurance_task, deadline
    ):
        later = DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 7, 31))
        deadline.delete()
        extension.refresh_from_db()

        decide_extension(extension, office, approve=True, comment="")

        later.refresh_from_db()
        assert (later.due_on, later.original_due_on) == (
            datetime.date(2026, 9, 30),
            datetime.date(2026, 7, 31),
        )
