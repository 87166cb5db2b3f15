"""The office's full edit of a task: fields, deadlines, assignments and targets in one versioned save."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tasks.access import NotPermitted
from tasks.ledger.services.editing import (
    VersionConflict,
    edit_task,
    replace_assignments,
    replace_deadlines,
    replace_targets,
    update_task,
)
from tasks.models import Assignment, Deadline, Target, Task, TaskChange, TaskStatus
from tests.factories import (
    DeadlineFactory,
    DepartmentFactory,
    TargetFactory,
    TargetReadingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline(insurance_task):
    return DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 6, 30))


@pytest.fixture
def target(insurance_task):
    return TargetFactory(task=insurance_task, value=Decimal("90"))


def snapshot(task):
    task = Task.objects.get(pk=task.pk)
    return (
        (task.text, task.status, task.progress, task.version),
        list(Deadline.objects.filter(task=task).values_list("kind", "due_on", "text")),
        list(Assignment.objects.filter(task=task).values_list("department_id", "role")),
        list(Target.objects.filter(task=task).values_list("text", "value", "latest_actual")),
        TaskChange.objects.filter(task=task).count(),
    )


class TestTheOfficeEditsEverythingAtOnce:
    def test_one_version_bump_and_one_change_with_every_before_and_after(
        self, office, insurance_task, deadline, target, insurance_bureau
    ):
        edit_task(
            insurance_task,
            office,
            expected_version=1,
            fields={"text": "新的任务内容。", "status": TaskStatus.IN_PROGRESS},
            deadlines=[{"id": deadline.pk, "kind": "date", "due_on": "2026-09-30", "text": "2026年9月底前"}],
            assignments=[{"department": insurance_bureau.pk, "role": Assignment.Role.LEAD}],
            targets=[{"id": target.pk, "text": target.text, "comparator": ">=", "value": "95"}],
        )

        task = Task.objects.get(pk=insurance_task.pk)
        assert (task.text, task.status, task.version) == ("新的任务内容。", TaskStatus.IN_PROGRESS, 2)
        assert list(task.deadlines.values_list("due_on", flat=True)) == [datetime.date(2026, 9, 30)]
        assert list(task.assignments.values_list("department__name", flat=True)) == ["郑州市医疗保障局"]
        assert Target.objects.get(pk=target.pk).value == Decimal("95")
        [change] = TaskChange.objects.filter(task=task)
        assert change.actor == office
        assert set(change.changes) == {"text", "status", "deadlines", "assignments", "targets"}
        assert change.changes["deadlines"][0][0]["due_on"] == "2026-06-30"
        assert change.changes["deadlines"][1][0]["due_on"] == "2026-09-30"
        assert [a["name"] for a in change.changes["assignments"][0]] == [
            "郑州市医疗保障局",
            "郑州市卫生健康委员会",
        ]

    def test_replacing_deadlines_keeps_the_original_due_date_on_record(
        self, office, insurance_task, deadline
    ):
        Deadline.objects.filter(pk=deadline.pk).update(original_due_on=datetime.date(2026, 3, 31))

        replace_deadlines(
            insurance_task,
            office,
            expected_version=1,
            deadlines=[
                {"id": deadline.pk, "kind": "date", "due_on": datetime.date(2026, 7, 31)},
                {"kind": "ongoing", "text": "长期坚持"},
            ],
        )

        kept = Deadline.objects.get(pk=deadline.pk)
        assert (kept.due_on, kept.original_due_on) == (datetime.date(2026, 7, 31), datetime.date(2026, 3, 31))
        assert Deadline.objects.filter(task=insurance_task).count() == 2

    def test_a_start_keeps_its_day_as_a_start_and_is_not_the_tasks_due_date(
        self, office, insurance_task, deadline
    ):
        replace_deadlines(
            insurance_task,
            office,
            expected_version=1,
            deadlines=[
                {"id": deadline.pk, "kind": "date", "due_on": datetime.date(2026, 6, 30)},
                {"kind": "start", "due_on": datetime.date(2026, 8, 1)},
            ],
        )

        start = Deadline.objects.get(task=insurance_task, kind=Deadline.Kind.START)
        assert (start.starts_on, start.due_on, start.text) == (
            datetime.date(2026, 8, 1),
            None,
            "自2026年8月1日起",
        )
        insurance_task.refresh_from_db()
        assert insurance_task.due_on == datetime.date(2026, 6, 30)

    def test_assignments_may_go_to_a_county_below_the_documents_region(
        self, office, insurance_task, zhongyuan
    ):
        county_bureau = DepartmentFactory(region=zhongyuan, name="中原区医疗保障局")

        replace_assignments(
            insurance_task,
            office,
            expected_version=1,
            assignments=[{"department": county_bureau, "role": "lead"}],
        )

        assert list(insurance_task.assignments.values_list("department", flat=True)) == [county_bureau.pk]

    def test_new_targets_are_created_and_judged(self, office, insurance_task):
        replace_targets(
            insurance_task,
            office,
            expected_version=1,
            targets=[{"text": "覆盖率达到100%", "comparator": ">=", "value": 100, "unit": "%"}],
        )

        assert list(insurance_task.targets.values_list("text", "value")) == [
            ("覆盖率达到100%", Decimal("100"))
        ]

    def test_update_task_keeps_its_contract(self, office, insurance_task):
        update_task(insurance_task, expected_version=1, user=office, progress=30)

        assert TaskChange.objects.get(task=insurance_task).changes == {"progress": [0, 30]}

    def test_province_office_may_edit_a_task_of_a_city_below(self, province_office, insurance_task):
        update_task(insurance_task, expected_version=1, user=province_office, progress=5)

        assert Task.objects.get(pk=insurance_task.pk).progress == 5


class TestAStaleEdit:
    def test_changes_nothing_and_says_what_changed(self, office, zhengzhou, insurance_task, deadline, target):
        colleague = UserFactory(username="zz_office_2", first_name="同事", office=True, region=zhengzhou)
        update_task(insurance_task, expected_version=1, user=colleague, progress=40)
        before = snapshot(insurance_task)

        with pytest.raises(VersionConflict) as conflict:
            edit_task(
                insurance_task,
                office,
                expected_version=1,
                fields={"text": "覆盖"},
                deadlines=[],
                targets=[],
            )

        assert snapshot(insurance_task) == before
        assert conflict.value.current.version == 2
        [change] = conflict.value.changes_since
        assert (change.actor, change.changes) == (colleague, {"progress": [0, 40]})
        assert "同事" in str(conflict.value)


class TestRefusals:
    @pytest.mark.parametrize("persona", ["liaison", "leader"])
    def test_liaisons_and_leaders_cannot_edit(self, request, persona, insurance_task, deadline):
        user = request.getfixturevalue(persona)
        before = snapshot(insurance_task)

        with pytest.raises(NotPermitted):
            edit_task(insurance_task, user, expected_version=1, fields={"text": "改写"})
        with pytest.raises(NotPermitted):
            replace_deadlines(insurance_task, user, expected_version=1, deadlines=[])

        assert snapshot(insurance_task) == before

    def test_another_department_sees_no_such_task(self, other_liaison, health_task, insurance_bureau):
        # health_task belongs to 卫健委 only; 医保局's liaison does not see it at all.
        with pytest.raises(Task.DoesNotExist):
            update_task(
                health_task, expected_version=1, user=UserFactory(liaison=True, department=insurance_bureau)
            )

    def test_an_office_of_another_city_sees_no_such_task(self, outsider, insurance_task):
        with pytest.raises(Task.DoesNotExist):
            update_task(insurance_task, expected_version=1, user=outsider, progress=10)
        assert Task.objects.get(pk=insurance_task.pk).version == 1

    def test_assignments_outside_the_region_are_refused(
        self, office, insurance_task, changsha_bureau, jinshui
    ):
        before = snapshot(insurance_task)

        with pytest.raises(ValidationError, match="长沙市医疗保障局"):
            replace_assignments(
                insurance_task,
                office,
                expected_version=1,
                assignments=[{"department": changsha_bureau.pk, "role": "lead"}],
            )

        assert snapshot(insurance_task) == before

    def test_a_department_listed_twice_is_refused(self, office, insurance_task, insurance_bureau):
        before = snapshot(insurance_task)
        twice = [
            {"department": insurance_bureau.pk, "role": "lead"},
            {"department": insurance_bureau.pk, "role": "co_lead"},
        ]

        with pytest.raises(ValidationError):
            replace_assignments(insurance_task, office, expected_version=1, assignments=twice)

        assert snapshot(insurance_task) == before

    @pytest.mark.parametrize(
        "rows",
        [
            [{"kind": "date", "text": "年底前"}],
            [{"kind": "ongoing", "text": ""}],
            [{"kind": "someday", "text": "择期"}],
            [{"kind": "date", "due_on": "2026-13-01"}],
        ],
    )
    def test_bad_deadlines_are_refused(self, office, insurance_task, deadline, rows):
        before = snapshot(insurance_task)

        with pytest.raises(ValidationError):
            replace_deadlines(insurance_task, office, expected_version=1, deadlines=rows)

        assert snapshot(insurance_task) == before

    def test_a_target_with_reported_values_cannot_be_removed(self, office, insurance_task, target):
        TargetReadingFactory(target=target, update__task=insurance_task)
        before = snapshot(insurance_task)

        with pytest.raises(ValidationError):
            replace_targets(insurance_task, office, expected_version=1, targets=[])

        assert snapshot(insurance_task) == before

    @pytest.mark.parametrize(
        "fields", [{"progress": 101}, {"progress": "x"}, {"status": "done"}, {"text": "  "}]
    )
    def test_bad_fields_are_refused(self, office, insurance_task, fields):
        before = snapshot(insurance_task)

        with pytest.raises(ValidationError):
            edit_task(insurance_task, office, expected_version=1, fields=fields)

        assert snapshot(insurance_task) == before

    def test_a_rejected_write_half_way_rolls_back_the_rest(
        self, office, insurance_task, deadline, changsha_bureau
    ):
        # Deadlines are valid, assignments are not: the deadlines must not change either.
        before = snapshot(insurance_task)

        with pytest.raises(ValidationError):
            edit_task(
                insurance_task,
                office,
                expected_version=1,
                deadlines=[],
                assignments=[{"department": changsha_bureau.pk, "role": "lead"}],
            )

        assert snapshot(insurance_task) == before
