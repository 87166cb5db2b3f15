"""Every admin page renders, for every registered model; only staff get in.

The models come from admin.site._registry, so a newly registered model is tested (or, without a
builder below, fails test_every_registered_model_can_be_built) without anyone remembering to.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.models import User
from regions.models import Department, DepartmentAlias, Region
from tasks.models import (
    Assignment,
    Deadline,
    DocumentImport,
    Evidence,
    ExtensionRequest,
    PolicyDocument,
    ProgressUpdate,
    Reminder,
    Report,
    ReportBatch,
    ReportRowReturn,
    Target,
    TargetReading,
    Task,
    TaskChange,
)
from tests.factories import (
    AssignmentFactory,
    CountyFactory,
    DeadlineFactory,
    DepartmentAliasFactory,
    DocumentImportFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    GroupFactory,
    PolicyDocumentFactory,
    RegionFactory,
    ReminderFactory,
    ReportFactory,
    SubordinateGovernmentFactory,
    TargetFactory,
    TargetReadingFactory,
    TaskChangeFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def a_task_with_everything() -> Task:
    """A task whose inlines (assignments, deadlines, targets) all have a row to render."""
    task = AssignmentFactory().task
    DeadlineFactory(task=task)
    TargetFactory(task=task, latest_actual=95)
    return task


# How to build one object of each registered model, with its inlines filled where it has any.
BUILDERS = {
    User: lambda: UserFactory(liaison=True),
    Group: GroupFactory,
    Region: CountyFactory,
    Department: lambda: DepartmentAliasFactory(department=SubordinateGovernmentFactory()).department,
    DepartmentAlias: DepartmentAliasFactory,
    PolicyDocument: PolicyDocumentFactory,
    DocumentImport: DocumentImportFactory,
    Task: a_task_with_everything,
    Assignment: AssignmentFactory,
    Deadline: DeadlineFactory,
    Target: lambda: TargetFactory(latest_actual=95),
    ProgressUpdate: lambda: EvidenceFactory().update,
    Evidence: EvidenceFactory,
    Reminder: ReminderFactory,
    Report: ReportFactory,
    ReportBatch: lambda: ReportBatch.objects.create(region=RegionFactory(), period="2026-10"),
    ReportRowReturn: lambda: ReportRowReturn.objects.create(
        report=ReportFactory(), task=TaskFactory(), reason="请补充佐证材料"
    ),
    TaskChange: TaskChangeFactory,
    TargetReading: TargetReadingFactory,
    ExtensionRequest: ExtensionRequestFactory,
    # API tokens (rest_framework.authtoken): the admin lists and revokes them.
    TokenProxy: lambda: TokenProxy.objects.get(key=Token.objects.create(user=UserFactory()).key),
}

# Records kept as written: the admin shows them but offers no add form.
READ_ONLY = {ProgressUpdate, Evidence, Reminder, TaskChange, TargetReading, ReportRowReturn, ReportBatch}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
by_label = pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_registered_model_can_be_built():
    assert set(REGISTERED) - set(BUILDERS) == set(), "add a builder for each newly registered model"


def test_the_ledger_models_are_registered():
    assert {Region, Department, DepartmentAlias, User, Task, PolicyDocument, ProgressUpdate} <= set(
        REGISTERED
    )


class TestASuperuser:
    @by_label
    def test_sees_the_changelist_listing_the_object(self, staff_client, model):
        BUILDERS[model]()

        response = staff_client.get(admin_url(model, "changelist"))

        assert response.status_code == 200
        assert response.context["cl"].result_count >= 1

    @by_label
    def test_can_search_and_filter_the_changelist(self, staff_client, model):
        BUILDERS[model]()
        url = admin_url(model, "changelist")
        if admin.site._registry[model].search_fields:
            assert staff_client.get(url, {"q": "郑州"}).status_code == 200

        changelist = staff_client.get(url).context["cl"]
        for spec in changelist.filter_specs:
            for choice in spec.choices(changelist):
                assert staff_client.get(url + choice["query_string"]).status_code == 200, choice

    @by_label
    def test_sees_the_add_page_unless_the_records_are_kept_as_written(self, staff_client, model):
        response = staff_client.get(admin_url(model, "add"))

        assert response.status_code == (403 if model in READ_ONLY else 200)

    @by_label
    def test_sees_the_change_page_of_an_object(self, staff_client, model):
        obj = BUILDERS[model]()

        response = staff_client.get(admin_url(model, "change", obj.pk))

        assert response.status_code == 200
        assert response.context["original"] == obj

    @by_label
    def test_sees_the_history_of_an_object(self, staff_client, model):
        obj = BUILDERS[model]()

        assert staff_client.get(admin_url(model, "history", obj.pk)).status_code == 200


class TestEveryoneElse:
    @pytest.mark.parametrize("persona", ["office", "leader", "liaison", "province_office", "nobody"])
    def test_is_sent_to_the_admin_login(self, client, request, persona):
        client.force_login(request.getfixturevalue(persona))

        for url in (reverse("admin:index"), admin_url(Task, "changelist"), admin_url(User, "add")):
            response = client.get(url)

            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url

    def test_an_anonymous_visitor_is_sent_to_the_admin_login(self, client):
        response = client.get(admin_url(Task, "changelist"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


class TestAliasesEditedInTheAdmin:
    """An alias's region is not on the alias form nor on the department's alias inline (it is copied
    from the department on save), so the admin must still check that the alias is free in the region.
    """

    @staticmethod
    def department_form(department: Department, *aliases: str) -> dict:
        data = {
            "region": department.region_id,
            "name": department.name,
            "kind": department.kind,
            "governed_region": "",
            "is_active": "on",
            "aliases-TOTAL_FORMS": str(len(aliases)),
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
        }
        data.update({f"aliases-{i}-alias": alias for i, alias in enumerate(aliases)})
        return data

    def test_an_alias_added_on_the_department_form_takes_its_region(
        self, staff_client, health_commission, zhengzhou
    ):
        response = staff_client.post(
            admin_url(Department, "change", health_commission.pk),
            self.department_form(health_commission, "市卫健委"),
        )

        assert response.status_code == 302
        assert DepartmentAlias.objects.get(alias="市卫健委").region == zhengzhou

    def test_a_taken_alias_is_reported_on_the_alias_form(
        self, staff_client, insurance_bureau, health_commission
    ):
        DepartmentAliasFactory(department=insurance_bureau, alias="医保局")

        response = staff_client.post(
            admin_url(DepartmentAlias, "add"), {"department": health_commission.pk, "alias": "医保局"}
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert DepartmentAlias.objects.get(alias="医保局").department == insurance_bureau

    def test_a_taken_alias_is_reported_on_the_department_form(
        self, staff_client, insurance_bureau, health_commission
    ):
        DepartmentAliasFactory(department=insurance_bureau, alias="医保局")

        response = staff_client.post(
            admin_url(Department, "change", health_commission.pk),
            self.department_form(health_commission, "医保局"),
        )

        assert response.status_code == 200
        assert (
            sum(inline.formset.total_error_count() for inline in response.context["inline_admin_formsets"])
            >= 1
        )
        assert DepartmentAlias.objects.get(alias="医保局").department == insurance_bureau
