"""Rules the database enforces, and the few that model methods enforce.

Each refusal is wrapped in its own transaction.atomic() so that, on PostgreSQL, the aborted
statement does not poison the rest of the test.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from regions.models import Department, DepartmentAlias, Region
from tasks.models import AppendOnlyError, Deadline, PolicyDocument, ProgressUpdate, Reminder, Report, Target
from tests.factories import (
    AssignmentFactory,
    CityFactory,
    DeadlineFactory,
    DepartmentAliasFactory,
    DepartmentFactory,
    PolicyDocumentFactory,
    ProgressUpdateFactory,
    ProvinceFactory,
    RegionFactory,
    ReminderFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@contextmanager
def refused():
    """pytest.raises(IntegrityError) around a savepoint that is rolled back."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# Regions, departments and aliases -------------------------------------------------------------


class TestRegions:
    def test_a_city_without_a_parent_is_refused(self):
        with refused():
            Region.objects.create(code="410100", name="郑州市", level=Region.Level.CITY, parent=None)

    def test_a_county_without_a_parent_is_refused(self):
        with refused():
            Region.objects.create(code="410102", name="中原区", level=Region.Level.COUNTY, parent=None)

    def test_a_province_with_a_parent_is_refused(self, henan):
        with refused():
            Region.objects.create(code="430000", name="湖南省", level=Region.Level.PROVINCE, parent=henan)

    def test_a_city_under_its_province_is_accepted(self, henan):
        city = Region.objects.create(code="410100", name="郑州市", level=Region.Level.CITY, parent=henan)

        assert city.full_name == "河南省郑州市"

    def test_codes_are_unique(self, henan):
        with refused():
            RegionFactory(code="410000", name="河南")


class TestDepartments:
    def test_two_departments_of_one_region_may_not_share_a_name(self, zhengzhou, insurance_bureau):
        with refused():
            DepartmentFactory(region=zhengzhou, name="郑州市医疗保障局")

    def test_departments_of_different_regions_may_share_a_name(self, insurance_bureau, changsha):
        DepartmentFactory(region=changsha, name="郑州市医疗保障局")

        assert Department.objects.filter(name="郑州市医疗保障局").count() == 2

    def test_a_subordinate_government_must_name_the_region_it_governs(self, zhengzhou):
        with refused():
            DepartmentFactory(
                region=zhengzhou,
                name="中原区人民政府",
                kind=Department.Kind.SUBORDINATE_GOVERNMENT,
                governed_region=None,
            )


class TestAliases:
    def test_an_alias_takes_the_region_of_its_department(self, insurance_bureau, zhengzhou):
        alias = DepartmentAliasFactory(department=insurance_bureau, alias="市医保局")

        assert alias.region == zhengzhou

    def test_an_alias_is_unique_within_a_region(self, insurance_bureau, health_commission):
        DepartmentAliasFactory(department=insurance_bureau, alias="医保局")

        with refused():
            # Even for another department: the importer must resolve a name to one body.
            DepartmentAliasFactory(department=health_commission, alias="医保局")

    def test_the_same_alias_in_another_region_is_fine(self, insurance_bureau, changsha_bureau):
        DepartmentAliasFactory(department=insurance_bureau, alias="市医保局")
        DepartmentAliasFactory(department=changsha_bureau, alias="市医保局")

        assert DepartmentAlias.objects.filter(alias="市医保局").count() == 2


# Users ----------------------------------------------------------------------------------------


class TestUserRoles:
    def test_a_liaison_without_a_department_is_refused(self, zhengzhou):
        with refused():
            UserFactory(role=Role.LIAISON, department=None, region=zhengzhou)

    def test_office_staff_without_a_region_are_refused(self, insurance_bureau):
        with refused():
            UserFactory(role=Role.OFFICE, region=None, department=insurance_bureau)

    def test_a_leader_without_a_region_is_refused(self):
        with refused():
            UserFactory(role=Role.LEADER, region=None)

    def test_an_unknown_role_is_refused(self, zhengzhou):
        with refused():
            UserFactory(role="admin", region=zhengzhou)

    def test_each_role_with_its_scope_is_accepted(self, office, leader, liaison, nobody):
        assert (office.is_office, leader.is_leader, liaison.is_liaison) == (True, True, True)
        assert (nobody.is_office, nobody.is_leader, nobody.is_liaison) == (False, False, False)


# Documents ------------------------------------------------------------------------------------


class TestDocuments:
    def test_the_same_file_may_not_be_imported_twice_in_one_region(self, zhengzhou):
        PolicyDocumentFactory(region=zhengzhou, checksum="a" * 64)

        with refused():
            PolicyDocumentFactory(region=zhengzhou, checksum="a" * 64)

    def test_the_same_file_may_be_imported_in_another_region(self, zhengzhou, changsha):
        PolicyDocumentFactory(region=zhengzhou, checksum="a" * 64)
        PolicyDocumentFactory(region=changsha, checksum="a" * 64)

        assert PolicyDocument.objects.filter(checksum="a" * 64).count() == 2


# Tasks, assignments, deadlines ----------------------------------------------------------------


class TestTasks:
    def test_progress_above_100_percent_is_refused(self, zhengzhou_document):
        with refused():
            TaskFactory(document=zhengzhou_document, progress=101)

    def test_progress_of_100_percent_is_accepted(self, zhengzhou_document):
        assert TaskFactory(document=zhengzhou_document, progress=100).progress == 100

    def test_progress_raised_above_100_by_an_update_is_refused(self, insurance_task):
        with refused():
            type(insurance_task).objects.filter(pk=insurance_task.pk).update(progress=150)

    def test_two_tasks_may_not_share_a_position_in_a_document(self, insurance_task):
        with refused():
            TaskFactory(document=insurance_task.document, position=insurance_task.position)

    def test_a_version_of_zero_is_refused(self, zhengzhou_document):
        with refused():
            TaskFactory(document=zhengzhou_document, version=0)


class TestAssignments:
    def test_a_department_is_assigned_a_task_once(self, insurance_task, insurance_bureau):
        with refused():
            AssignmentFactory(task=insurance_task, department=insurance_bureau, role="cooperating")

    def test_another_department_may_join_the_task(self, health_task, insurance_bureau):
        AssignmentFactory(task=health_task, department=insurance_bureau, role="cooperating")

        assert health_task.assignments.count() == 2


class TestDeadlines:
    def test_a_date_deadline_without_a_date_is_refused(self, insurance_task):
        with refused():
            DeadlineFactory(task=insurance_task, kind=Deadline.Kind.DATE, due_on=None)

    @pytest.mark.parametrize("kind", [Deadline.Kind.ONGOING, Deadline.Kind.RECURRING, Deadline.Kind.RELATIVE])
    def test_a_deadline_of_another_kind_with_a_date_is_refused(self, insurance_task, kind):
        with refused():
            DeadlineFactory(
                task=insurance_task, kind=kind, due_on=datetime.date(2026, 6, 30), text="持续推进"
            )

    def test_a_date_deadline_with_its_date_is_accepted(self, insurance_task):
        deadline = DeadlineFactory(
            task=insurance_task, kind=Deadline.Kind.DATE, due_on=datetime.date(2026, 6, 30)
        )

        assert deadline.due_on == datetime.date(2026, 6, 30)

    def test_an_ongoing_deadline_without_a_date_is_accepted(self, insurance_task):
        deadline = DeadlineFactory(
            task=insurance_task, kind=Deadline.Kind.ONGOING, due_on=None, text="长期坚持"
        )

        assert deadline.due_on is None


# Reports and reminders ------------------------------------------------------------------------


class TestReports:
    @pytest.mark.parametrize("period", ["2026-13", "2026-00", "2026-1", "26-01", "2026/05", "2026-1a"])
    def test_a_malformed_period_is_refused(self, insurance_bureau, period):
        with refused():
            ReportFactory(department=insurance_bureau, period=period)

    @pytest.mark.parametrize("period", ["2026-11", "2026-01", "2026-12"])
    def test_a_well_formed_period_is_accepted(self, insurance_bureau, period):
        assert ReportFactory(department=insurance_bureau, period=period).period == period

    def test_a_department_reports_once_per_period(self, insurance_bureau):
        ReportFactory(department=insurance_bureau, period="2026-05")

        with refused():
            ReportFactory(department=insurance_bureau, period="2026-05")

    def test_the_office_builds_one_ledger_per_region_and_period(self, zhengzhou):
        ReportFactory(kind=Report.Kind.LEDGER, department=None, region=zhengzhou, period="2026-05")

        with refused():
            ReportFactory(kind=Report.Kind.LEDGER, department=None, region=zhengzhou, period="2026-05")

    def test_report_progress_above_100_is_refused(self, insurance_bureau):
        with refused():
            ReportFactory(department=insurance_bureau, progress=101)


class TestReminders:
    day = datetime.date(2026, 6, 23)

    def test_the_same_reminder_twice_in_one_day_is_refused(self, insurance_task, liaison):
        ReminderFactory(task=insurance_task, recipient=liaison, kind=Reminder.Kind.OVERDUE, sent_on=self.day)

        with refused():
            ReminderFactory(
                task=insurance_task, recipient=liaison, kind=Reminder.Kind.OVERDUE, sent_on=self.day
            )

    def test_the_same_digest_twice_in_one_day_is_refused(self, liaison):
        ReminderFactory(task=None, recipient=liaison, kind=Reminder.Kind.DUE_SOON, sent_on=self.day)

        with refused():
            ReminderFactory(task=None, recipient=liaison, kind=Reminder.Kind.DUE_SOON, sent_on=self.day)

    def test_the_same_reminder_on_different_days_is_fine(self, insurance_task, liaison):
        for day in (self.day, self.day + datetime.timedelta(days=1)):
            ReminderFactory(task=insurance_task, recipient=liaison, kind=Reminder.Kind.OVERDUE, sent_on=day)
            ReminderFactory(task=None, recipient=liaison, kind=Reminder.Kind.OVERDUE, sent_on=day)

        assert Reminder.objects.filter(recipient=liaison).count() == 4

    def test_a_task_reminder_and_a_digest_on_the_same_day_are_fine(self, insurance_task, liaison):
        ReminderFactory(task=insurance_task, recipient=liaison, kind=Reminder.Kind.OVERDUE, sent_on=self.day)
        ReminderFactory(task=None, recipient=liaison, kind=Reminder.Kind.OVERDUE, sent_on=self.day)

        assert Reminder.objects.filter(recipient=liaison, sent_on=self.day).count() == 2

    def test_different_kinds_or_recipients_on_the_same_day_are_fine(
        self, insurance_task, liaison, other_liaison
    ):
        ReminderFactory(task=insurance_task, recipient=liaison, kind=Reminder.Kind.DUE_SOON, sent_on=self.day)
        ReminderFactory(
            task=insurance_task, recipient=liaison, kind=Reminder.Kind.ESCALATION, sent_on=self.day
        )
        ReminderFactory(
            task=insurance_task, recipient=other_liaison, kind=Reminder.Kind.DUE_SOON, sent_on=self.day
        )

        assert Reminder.objects.filter(task=insurance_task).count() == 3


# Progress updates -----------------------------------------------------------------------------


class TestProgressUpdatesAreAppendOnly:
    def test_a_new_update_is_written(self, insurance_task, liaison, insurance_bureau):
        update = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)

        assert ProgressUpdate.objects.get(pk=update.pk).percent == 50

    def test_saving_an_existing_update_raises(self, insurance_task, liaison, insurance_bureau):
        update = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)
        update.percent = 90

        with pytest.raises(AppendOnlyError):
            update.save()

        assert ProgressUpdate.objects.get(pk=update.pk).percent == 50

    def test_saving_an_update_loaded_from_the_database_raises(
        self, insurance_task, liaison, insurance_bureau
    ):
        update = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)
        loaded = ProgressUpdate.objects.get(pk=update.pk)
        loaded.narrative = "改写"

        with pytest.raises(AppendOnlyError):
            loaded.save()

        assert ProgressUpdate.objects.get(pk=update.pk).narrative == update.narrative

    def test_deleting_an_update_raises(self, insurance_task, liaison, insurance_bureau):
        update = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)

        with pytest.raises(AppendOnlyError):
            update.delete()

        assert ProgressUpdate.objects.filter(pk=update.pk).exists()

    def test_a_percent_above_100_is_refused(self, insurance_task, liaison, insurance_bureau):
        with refused():
            ProgressUpdateFactory(
                task=insurance_task, department=insurance_bureau, author=liaison, percent=101
            )


# Targets --------------------------------------------------------------------------------------


def target(comparator, value, actual, **extra) -> Target:
    return TargetFactory(
        comparator=comparator,
        value=None if value is None else Decimal(value),
        latest_actual=None if actual is None else Decimal(actual),
        **extra,
    )


class TestTargetAttainment:
    @pytest.mark.parametrize(
        ("comparator", "value", "actual", "attained"),
        [
            (">=", "90", "90", True),
            (">=", "90", "95.5", True),
            (">=", "90", "89.99", False),
            ("<=", "10", "10", True),
            ("<=", "10", "8", True),
            ("<=", "10", "10.01", False),
            ("=", "100", "100", True),
            ("=", "100", "99", False),
        ],
    )
    def test_is_derived_on_save(self, zhengzhou_document, comparator, value, actual, attained):
        saved = target(comparator, value, actual, task=TaskFactory(document=zhengzhou_document))

        assert saved.attained is attained
        assert Target.objects.get(pk=saved.pk).attained is attained

    @pytest.mark.parametrize(
        ("actual", "attained"), [("85", True), ("80", True), ("90", True), ("79.9", False), ("90.1", False)]
    )
    def test_a_range_is_attained_between_its_bounds(self, actual, attained):
        saved = target(Target.Comparator.RANGE, "80", actual, value_max=Decimal("90"))

        assert Target.objects.get(pk=saved.pk).attained is attained

    def test_a_range_without_an_upper_bound_cannot_be_judged(self):
        assert target(Target.Comparator.RANGE, "80", "85", value_max=None).attained is None

    @pytest.mark.parametrize(
        ("actual", "attained"), [("90", True), ("86", True), ("70", False), ("60", False)]
    )
    def test_a_raise_from_60_to_86_is_attained_at_86_or_more(self, actual, attained):
        # 城乡居民医保财政补助标准由60元提高到86元
        saved = target(Target.Comparator.CHANGE, "86", actual, baseline=Decimal("60"), unit="元")

        assert Target.objects.get(pk=saved.pk).attained is attained

    @pytest.mark.parametrize(
        ("actual", "attained"), [("25", True), ("28", True), ("29", False), ("32", False)]
    )
    def test_a_reduction_from_32_to_28_is_attained_at_28_or_less(self, actual, attained):
        # 个人卫生支出占卫生总费用的比重由32%下降到28%
        saved = target(Target.Comparator.CHANGE, "28", actual, baseline=Decimal("32"))

        assert Target.objects.get(pk=saved.pk).attained is attained

    def test_a_change_without_a_baseline_cannot_be_judged(self):
        assert target(Target.Comparator.CHANGE, "86", "90", baseline=None).attained is None

    @pytest.mark.parametrize("comparator", [">=", "<=", "=", "range", "change"])
    def test_is_none_without_an_actual(self, comparator):
        saved = target(comparator, "86", None, value_max=Decimal("90"), baseline=Decimal("60"))

        assert Target.objects.get(pk=saved.pk).attained is None

    def test_is_none_without_a_target_value(self):
        assert target(">=", None, "90").attained is None

    def test_follows_the_actual_when_it_is_reported(self):
        saved = target(">=", "90", None)
        assert saved.attained is None

        saved.latest_actual = Decimal("92")
        saved.save()
        assert Target.objects.get(pk=saved.pk).attained is True

        saved.latest_actual = Decimal("70")
        saved.save()
        assert Target.objects.get(pk=saved.pk).attained is False

    def test_is_recomputed_when_only_the_actual_is_saved(self):
        saved = target(">=", "90", "70")

        saved.latest_actual = Decimal("95")
        saved.save(update_fields=["latest_actual"])

        assert Target.objects.get(pk=saved.pk).attained is True


def test_factories_build_consistent_objects(zhengzhou):
    """The factories themselves: the levels chain up and codes stay six digits and unique."""
    city = CityFactory(parent=ProvinceFactory())
    assert (city.level, city.parent.level) == (Region.Level.CITY, Region.Level.PROVINCE)
    codes = [r.code for r in Region.objects.all()]
    assert len(codes) == len(set(codes))
    assert all(len(code) == 6 and code.isdigit() for code in codes)
