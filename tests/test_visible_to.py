"""Who sees which tasks and documents: Task.objects.visible_to() and PolicyDocument.objects.visible_to().

Every page, export and API endpoint starts from these querysets, so a hole here is a data leak
between regions or departments.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from regions.models import Region
from tasks.models import Assignment, PolicyDocument, Task
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    PolicyDocumentFactory,
    RegionFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def visible_tasks(user) -> set[Task]:
    return set(Task.objects.visible_to(user))


def visible_documents(user) -> set[PolicyDocument]:
    return set(PolicyDocument.objects.visible_to(user))


def as_loaded_by_a_request(user) -> User:
    """The user as AuthenticationMiddleware hands it to a view: fresh from the database."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def county_document(jinshui):
    """A document issued by 金水区, a county below 郑州市, with a task for a 金水区 department."""
    document = PolicyDocumentFactory(region=jinshui, title="金水区2026年医改工作要点")
    task = TaskFactory(document=document, position=1, text="推进社区卫生服务中心标准化建设。")
    AssignmentFactory(task=task, department=DepartmentFactory(region=jinshui, name="金水区卫生健康委员会"))
    return document


@pytest.fixture
def county_document_task(county_document):
    return county_document.tasks.get()


@pytest.fixture
def province_document(henan):
    return PolicyDocumentFactory(region=henan, title="河南省2026年深化医改重点工作任务")


@pytest.fixture
def province_task_for_insurance_bureau(province_document, insurance_bureau):
    """A provincial task that names 郑州市医疗保障局 among its assignees."""
    task = TaskFactory(document=province_document, position=1, text="开展医保基金专项整治。")
    AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.COOPERATING)
    return task


@pytest.fixture
def province_only_task(province_document, henan):
    task = TaskFactory(document=province_document, position=2, text="完善省级医疗服务价格动态调整机制。")
    AssignmentFactory(task=task, department=DepartmentFactory(region=henan, name="河南省医疗保障局"))
    return task


# Task.objects.visible_to ----------------------------------------------------------------------


class TestOfficeStaff:
    def test_see_every_task_of_their_city_and_nothing_of_another(
        self, office, zhengzhou_tasks, changsha_task
    ):
        assert visible_tasks(office) == set(zhengzhou_tasks)

    def test_see_tasks_of_documents_issued_by_the_counties_below(
        self, office, zhengzhou_tasks, county_document_task
    ):
        assert visible_tasks(office) == {*zhengzhou_tasks, county_document_task}

    def test_see_a_provincial_task_assigned_to_a_department_of_their_city(
        self, office, province_task_for_insurance_bureau, province_only_task
    ):
        assert visible_tasks(office) == {province_task_for_insurance_bureau}

    def test_of_the_province_see_the_tasks_of_its_cities_and_counties(
        self, province_office, zhengzhou_tasks, county_document_task, changsha_task
    ):
        assert visible_tasks(province_office) == {*zhengzhou_tasks, county_document_task}

    def test_of_another_province_see_none_of_zhengzhous_tasks(self, outsider, zhengzhou_tasks, changsha_task):
        assert visible_tasks(outsider) == {changsha_task}

    def test_of_a_county_do_not_see_the_tasks_of_their_city(
        self, zhengzhou_tasks, jinshui, county_document_task
    ):
        county_office = UserFactory(office=True, region=jinshui)

        assert visible_tasks(county_office) == {county_document_task}


class TestLeaders:
    def test_see_what_the_office_of_their_region_sees(
        self, leader, office, all_tasks, county_document_task, province_task_for_insurance_bureau
    ):
        assert visible_tasks(leader) == visible_tasks(office)
        assert visible_tasks(leader) == {
            *all_tasks[:3],
            county_document_task,
            province_task_for_insurance_bureau,
        }


class TestLiaisons:
    def test_see_only_the_tasks_their_department_leads(self, liaison, all_tasks, insurance_task):
        assert visible_tasks(liaison) == {insurance_task}

    def test_see_tasks_their_department_cooperates_on(
        self, other_liaison, all_tasks, insurance_task, health_task
    ):
        # 卫健委 leads health_task and cooperates on insurance_task.
        assert visible_tasks(other_liaison) == {insurance_task, health_task}

    def test_see_tasks_of_any_region_that_name_their_department(
        self, liaison, insurance_task, province_task_for_insurance_bureau, province_only_task
    ):
        assert visible_tasks(liaison) == {insurance_task, province_task_for_insurance_bureau}

    def test_of_a_department_without_assignments_see_nothing(self, zhengzhou, all_tasks):
        idle = UserFactory(liaison=True, department=DepartmentFactory(region=zhengzhou, name="郑州市财政局"))

        assert visible_tasks(idle) == set()


class TestEveryoneElse:
    def test_a_user_without_a_role_sees_nothing(self, nobody, all_tasks):
        assert visible_tasks(nobody) == set()

    def test_a_user_without_a_role_sees_nothing_even_with_a_region_and_department(
        self, zhengzhou, insurance_bureau, all_tasks
    ):
        roleless = UserFactory(region=zhengzhou, department=insurance_bureau)

        assert visible_tasks(roleless) == set()

    @pytest.mark.parametrize("persona", ["office", "leader", "liaison", "province_office", "superuser"])
    def test_an_inactive_user_sees_nothing(self, request, persona, all_tasks):
        user = request.getfixturevalue(persona)
        user.is_active = False
        user.save()

        assert visible_tasks(as_loaded_by_a_request(user)) == set()

    def test_an_anonymous_visitor_sees_nothing(self, all_tasks):
        assert visible_tasks(AnonymousUser()) == set()

    def test_a_superuser_sees_every_task(self, superuser, all_tasks, province_only_task):
        assert visible_tasks(superuser) == {*all_tasks, province_only_task}


class TestTaskQueryset:
    @pytest.mark.parametrize("persona", ["office", "leader", "province_office"])
    def test_lists_a_task_once_however_many_assignments_are_in_scope(
        self, request, persona, insurance_task, county_government
    ):
        # 医保局 and 卫健委 already; a third assignee of the same city.
        AssignmentFactory(task=insurance_task, department=county_government, role=Assignment.Role.COOPERATING)
        user = request.getfixturevalue(persona)

        tasks = list(Task.objects.visible_to(user))

        assert tasks == [insurance_task]
        assert Task.objects.visible_to(user).count() == 1

    @pytest.mark.parametrize(
        "persona", ["office", "leader", "province_office", "outsider", "liaison", "nobody", "superuser"]
    )
    def test_runs_in_one_query(self, request, persona, all_tasks, django_assert_max_num_queries):
        # Loading the user's region to scope the query counts too: views get the user without it.
        user = as_loaded_by_a_request(request.getfixturevalue(persona))

        with django_assert_max_num_queries(1):
            list(Task.objects.visible_to(user))

    def test_composes_with_further_filters(self, office, zhengzhou_tasks, changsha_task):
        assert set(Task.objects.filter(document__region__code="410100").visible_to(office)) == set(
            zhengzhou_tasks
        )
        assert not Task.objects.visible_to(office).filter(pk=changsha_task.pk).exists()


# PolicyDocument.objects.visible_to ------------------------------------------------------------


class TestDocumentVisibility:
    def test_office_sees_the_documents_of_its_region_and_below(
        self, office, zhengzhou_document, county_document, changsha_document
    ):
        assert visible_documents(office) == {zhengzhou_document, county_document}

    def test_office_sees_a_freshly_imported_document_without_tasks(self, office, zhengzhou):
        empty = PolicyDocumentFactory(region=zhengzhou)

        assert visible_documents(office) == {empty}

    def test_office_sees_a_provincial_document_that_assigns_its_city_a_task(
        self, office, province_document, province_task_for_insurance_bureau
    ):
        assert visible_documents(office) == {province_document}

    def test_office_does_not_see_a_provincial_document_without_a_task_in_its_scope(
        self, office, province_document, province_only_task
    ):
        assert visible_documents(office) == set()

    def test_province_office_sees_the_documents_of_its_cities_and_counties(
        self, province_office, province_document, zhengzhou_document, county_document, changsha_document
    ):
        assert visible_documents(province_office) == {province_document, zhengzhou_document, county_document}

    def test_leader_sees_what_the_office_sees(
        self, leader, office, zhengzhou_document, county_document, changsha_document
    ):
        assert visible_documents(leader) == visible_documents(office) == {zhengzhou_document, county_document}

    def test_liaison_sees_the_documents_holding_its_tasks(
        self, liaison, insurance_task, province_task_for_insurance_bureau, changsha_task
    ):
        assert visible_documents(liaison) == {
            insurance_task.document,
            province_task_for_insurance_bureau.document,
        }

    def test_liaison_does_not_see_a_document_of_its_region_without_its_tasks(
        self, liaison, zhengzhou, health_task
    ):
        other = PolicyDocumentFactory(region=zhengzhou)
        TaskFactory(document=other)

        assert visible_documents(liaison) == set()

    def test_other_liaison_sees_the_document_of_the_task_it_cooperates_on(
        self, other_liaison, insurance_task, changsha_task
    ):
        assert visible_documents(other_liaison) == {insurance_task.document}

    def test_outsider_sees_none_of_zhengzhous_documents(self, outsider, zhengzhou_tasks, changsha_task):
        assert visible_documents(outsider) == {changsha_task.document}

    def test_a_user_without_a_role_sees_nothing(self, nobody, all_tasks):
        assert visible_documents(nobody) == set()

    @pytest.mark.parametrize("persona", ["office", "liaison", "superuser"])
    def test_an_inactive_user_sees_nothing(self, request, persona, all_tasks):
        user = request.getfixturevalue(persona)
        user.is_active = False
        user.save()

        assert visible_documents(as_loaded_by_a_request(user)) == set()

    def test_an_anonymous_visitor_sees_nothing(self, all_tasks):
        assert visible_documents(AnonymousUser()) == set()

    def test_a_superuser_sees_every_document(self, superuser, all_tasks, province_document):
        assert visible_documents(superuser) == set(PolicyDocument.objects.all())
        assert len(visible_documents(superuser)) == 3

    @pytest.mark.parametrize("persona", ["office", "province_office", "liaison", "other_liaison"])
    def test_lists_a_document_once_however_many_of_its_tasks_are_visible(self, request, persona, all_tasks):
        user = request.getfixturevalue(persona)

        documents = list(PolicyDocument.objects.visible_to(user))

        assert [d.title for d in documents] == ["郑州市2026年深化医改重点工作任务"]

    @pytest.mark.parametrize("persona", ["office", "province_office", "liaison", "nobody", "superuser"])
    def test_runs_in_one_query(self, request, persona, all_tasks, django_assert_max_num_queries):
        # Loading the user's region to scope the query counts too: views get the user without it.
        user = as_loaded_by_a_request(request.getfixturevalue(persona))

        with django_assert_max_num_queries(1):
            list(PolicyDocument.objects.visible_to(user))


def test_region_subtree_spans_three_levels(henan, zhengzhou, zhongyuan, jinshui, changsha):
    """visible_to() relies on Region.objects.subtree(); check it directly too."""
    assert set(Region.objects.subtree(henan)) == {henan, zhengzhou, zhongyuan, jinshui}
    assert set(Region.objects.subtree(zhengzhou)) == {zhengzhou, zhongyuan, jinshui}
    assert set(Region.objects.subtree(jinshui)) == {jinshui}
    assert RegionFactory(level=Region.Level.PROVINCE) not in set(Region.objects.subtree(henan))
