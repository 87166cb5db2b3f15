"""销号 with evidence: a document (by default, settings.COMPLETION_EVIDENCE_REQUIRED) or a single task
can require evidence (佐证材料) for a completion request; without it the request is refused and nothing
changes. The office's verify panel shows the evidence it verifies."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tasks.ledger.services.editing import edit_task
from tasks.ledger.services.progress import request_completion
from tasks.models import (
    Assignment,
    Event,
    Evidence,
    PolicyDocument,
    ProgressUpdate,
    Task,
    TaskChange,
    TaskStatus,
)
from tasks.models.documents import completion_evidence_default
from tasks.models.ledger import EvidenceRule
from tests.api_world import PDF
from tests.factories import EvidenceFactory, ProgressUpdateFactory
from tests.ledger.test_task_actions import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def strict(zhengzhou_document):
    """The document requires evidence for completion."""
    PolicyDocument.objects.filter(pk=zhengzhou_document.pk).update(completion_evidence_required=True)
    zhengzhou_document.refresh_from_db()
    return zhengzhou_document


def pdf(name: str = "印发通知.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def state(task) -> tuple:
    task = Task.objects.get(pk=task.pk)
    return (
        (task.status, task.progress, task.version),
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        TaskChange.objects.count(),
        Event.objects.count(),
    )


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class TestTheRule:
    def test_a_new_document_takes_the_setting(self):
        with override_settings(COMPLETION_EVIDENCE_REQUIRED=True):
            assert completion_evidence_default() is True
            assert PolicyDocument().completion_evidence_required is True
        with override_settings(COMPLETION_EVIDENCE_REQUIRED=False):
            assert PolicyDocument().completion_evidence_required is False

    def test_the_setting_is_on_by_default(self):
        assert settings.COMPLETION_EVIDENCE_REQUIRED is True

    @pytest.mark.parametrize(
        ("document", "task", "required"),
        [
            (True, EvidenceRule.INHERIT, True),
            (False, EvidenceRule.INHERIT, False),
            (True, EvidenceRule.NOT_REQUIRED, False),
            (False, EvidenceRule.REQUIRED, True),
        ],
    )
    def test_a_task_follows_its_document_unless_it_says_otherwise(
        self, insurance_task, document, task, required
    ):
        PolicyDocument.objects.filter(pk=insurance_task.document_id).update(
            completion_evidence_required=document
        )
        Task.objects.filter(pk=insurance_task.pk).update(completion_evidence=task)

        assert Task.objects.select_related("document").get(pk=insurance_task.pk).evidence_required is required


class TestRequestingCompletion:
    def test_without_required_evidence_it_is_refused_and_nothing_changes(
        self, liaison, strict, insurance_task
    ):
        before = state(insurance_task)

        with pytest.raises(ValidationError) as refusal:
            request_completion(insurance_task, liaison, "任务已完成。")

        assert refusal.value.code == "evidence"
        assert "evidence" in refusal.value.messages[0]
        assert state(insurance_task) == before
        assert Task.objects.get(pk=insurance_task.pk).status == TaskStatus.NOT_STARTED

    def test_with_evidence_it_goes_through(self, liaison, strict, insurance_task):
        request_completion(insurance_task, liaison, "任务已完成。", [pdf()])

        task = Task.objects.get(pk=insurance_task.pk)
        assert (task.status, task.progress) == (TaskStatus.PENDING_VERIFICATION, 100)
        assert list(Evidence.objects.filter(update__task=task).values_list("original_name", flat=True)) == [
            "印发通知.pdf"
        ]

    def test_evidence_the_lead_department_reported_earlier_counts(
        self, liaison, insurance_bureau, strict, insurance_task
    ):
        earlier = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)
        EvidenceFactory(update=earlier)

        request_completion(insurance_task, liaison, "任务已完成，材料见前期报送。")

        assert Task.objects.get(pk=insurance_task.pk).status == TaskStatus.PENDING_VERIFICATION

    def test_evidence_of_a_cooperating_department_does_not(
        self, liaison, other_liaison, health_commission, strict, insurance_task
    ):
        earlier = ProgressUpdateFactory(
            task=insurance_task, department=health_commission, author=other_liaison
        )
        EvidenceFactory(update=earlier)
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="evidence"):
            request_completion(insurance_task, liaison, "任务已完成。")

        assert state(insurance_task) == before

    def test_a_task_that_does_not_require_it_overrides_the_document(self, liaison, strict, insurance_task):
        Task.objects.filter(pk=insurance_task.pk).update(completion_evidence=EvidenceRule.NOT_REQUIRED)

        request_completion(insurance_task, liaison, "任务已完成。")

        assert Task.objects.get(pk=insurance_task.pk).status == TaskStatus.PENDING_VERIFICATION

    def test_a_task_that_requires_it_overrides_a_lenient_document(
        self, liaison, zhengzhou_document, insurance_task
    ):
        PolicyDocument.objects.filter(pk=zhengzhou_document.pk).update(completion_evidence_required=False)
        Task.objects.filter(pk=insurance_task.pk).update(completion_evidence=EvidenceRule.REQUIRED)
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="evidence"):
            request_completion(insurance_task, liaison, "任务已完成。")

        assert state(insurance_task) == before

    def test_the_rule_is_read_as_stored_not_as_the_caller_loaded_it(self, liaison, strict, insurance_task):
        insurance_task.completion_evidence = EvidenceRule.NOT_REQUIRED  # not saved

        with pytest.raises(ValidationError, match="evidence"):
            request_completion(insurance_task, liaison, "任务已完成。")


class TestTheTaskPage:
    def test_the_form_refuses_it_on_the_files_input_and_nothing_changes(
        self, client, liaison, strict, insurance_task
    ):
        before = state(insurance_task)

        response = login(client, liaison).post(
            reverse("task_completion", args=[insurance_task.pk]), {"narrative": "任务已完成。"}
        )

        assert response.status_code == 400
        assert response.context["completion_form"].errors["files"][0].startswith("This task needs evidence")
        assert "Evidence (佐证材料) is required" in response.content.decode()
        assert state(insurance_task) == before

    def test_the_form_takes_the_files(self, client, liaison, strict, insurance_task):
        response = login(client, liaison).post(
            reverse("task_completion", args=[insurance_task.pk]),
            {"narrative": "任务已完成。", "files": [pdf()]},
        )

        assert response.status_code == 302
        assert Task.objects.get(pk=insurance_task.pk).status == TaskStatus.PENDING_VERIFICATION

    def test_the_verify_panel_shows_the_evidence_of_the_request_and_before(
        self, client, office, liaison, insurance_bureau, strict, insurance_task
    ):
        earlier = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)
        old = EvidenceFactory(update=earlier, original_name="调研报告.pdf")
        request_completion(insurance_task, liaison, "任务已完成。", [pdf("验收报告.pdf")])
        new = Evidence.objects.get(original_name="验收报告.pdf")

        page = login(client, office).get(reverse("task_detail", args=[insurance_task.pk])).content.decode()

        panel = page[page.index('id="action-verify"') :]
        panel = panel[: panel.index("verify-form")]
        assert "required for this task" in panel
        assert "with the completion request" in panel
        for evidence in (new, old):
            assert reverse("evidence_download", args=[evidence.pk]) in panel
            assert evidence.original_name in panel
        assert panel.index("验收报告.pdf") < panel.index("调研报告.pdf")  # the request first

    def test_the_verify_panel_says_when_there_is_no_evidence(self, client, office, liaison, insurance_task):
        Task.objects.filter(pk=insurance_task.pk).update(completion_evidence=EvidenceRule.NOT_REQUIRED)
        request_completion(insurance_task, liaison, "任务已完成。")

        page = login(client, office).get(reverse("task_detail", args=[insurance_task.pk])).content.decode()

        assert "No evidence has been attached to this task." in page

    @pytest.mark.parametrize("reports", [1, 8])
    def test_the_page_of_a_pending_task_keeps_its_query_count(
        self,
        client,
        office,
        liaison,
        insurance_bureau,
        strict,
        insurance_task,
        reports,
        django_assert_max_num_queries,
    ):
        for _ in range(reports):
            update = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)
            EvidenceFactory.create_batch(2, update=update)
        request_completion(insurance_task, liaison, "任务已完成。", [pdf()])
        login(client, office)

        with django_assert_max_num_queries(15):
            response = client.get(reverse("task_detail", args=[insurance_task.pk]))

        panel = response.content.decode()
        panel = panel[panel.index('id="action-verify"') : panel.index("verify-form")]
        assert panel.count("bi-paperclip") == 2 * reports + 1


class TestTheApi:
    def url(self, task) -> str:
        return f"/api/v1/tasks/{task.pk}/completion-request/"

    def test_without_required_evidence_it_is_400_on_files_and_writes_nothing(
        self, api_client, liaison, strict, insurance_task
    ):
        before = state(insurance_task)

        response = api_client(liaison).post(
            self.url(insurance_task), {"narrative": "任务已完成。"}, format="json"
        )

        assert response.status_code == 400, response.content
        assert list(response.json()["errors"]) == ["files"]
        assert state(insurance_task) == before

    def test_with_evidence_it_is_201(self, api_client, liaison, strict, insurance_task):
        response = api_client(liaison).post(
            self.url(insurance_task), {"narrative": "任务已完成。", "files": [pdf()]}, format="multipart"
        )

        assert response.status_code == 201, response.content

    def test_the_office_sets_the_rule_through_the_task_endpoint(self, api_client, office, insurance_task):
        response = api_client(office).patch(
            f"/api/v1/tasks/{insurance_task.pk}/",
            {"completion_evidence": "not_required"},
            format="json",
            HTTP_IF_MATCH=f'"{insurance_task.version}"',
        )

        assert response.status_code == 200, response.content
        assert response.json()["completion_evidence"] == "not_required"
        assert Task.objects.get(pk=insurance_task.pk).completion_evidence == EvidenceRule.NOT_REQUIRED


class TestTheOfficeSetsIt:
    def test_edit_task_changes_the_rule_and_records_it(self, office, insurance_task):
        edit_task(
            insurance_task,
            office,
            expected_version=insurance_task.version,
            fields={"completion_evidence": EvidenceRule.NOT_REQUIRED},
        )

        task = Task.objects.get(pk=insurance_task.pk)
        assert task.completion_evidence == EvidenceRule.NOT_REQUIRED
        change = TaskChange.objects.get(task=task, action=TaskChange.Action.UPDATED)
        assert change.changes == {"completion_evidence": [EvidenceRule.INHERIT, EvidenceRule.NOT_REQUIRED]}

    def test_an_unknown_rule_is_refused(self, office, insurance_task):
        with pytest.raises(ValidationError):
            edit_task(
                insurance_task,
                office,
                expected_version=insurance_task.version,
                fields={"completion_evidence": "x"},
            )
        assert Task.objects.get(pk=insurance_task.pk).version == insurance_task.version

    def test_the_edit_page_sets_it_and_the_history_names_it(self, client, office, insurance_task):
        login(client, office)
        assert (
            'name="completion_evidence"'
            in client.get(reverse("task_edit", args=[insurance_task.pk])).content.decode()
        )

        response = client.post(
            reverse("task_edit", args=[insurance_task.pk]),
            edit_data(insurance_task, completion_evidence=EvidenceRule.REQUIRED),
        )

        assert response.status_code == 302
        assert Task.objects.get(pk=insurance_task.pk).completion_evidence == EvidenceRule.REQUIRED
        history = client.get(reverse("task_detail", args=[insurance_task.pk])).content.decode()
        assert "Evidence for completion" in history
        assert "As the document says" in history

    def test_a_form_without_the_field_leaves_the_rule_alone(self, client, office, insurance_task):
        Task.objects.filter(pk=insurance_task.pk).update(completion_evidence=EvidenceRule.NOT_REQUIRED)

        response = login(client, office).post(
            reverse("task_edit", args=[insurance_task.pk]), edit_data(insurance_task, text="新的任务内容。")
        )

        assert response.status_code == 302
        task = Task.objects.get(pk=insurance_task.pk)
        assert (task.text, task.completion_evidence) == ("新的任务内容。", EvidenceRule.NOT_REQUIRED)


def test_a_liaison_of_a_lead_department_sees_the_rule_on_the_form(client, liaison, strict, insurance_task):
    Assignment.objects.filter(task=insurance_task, department=liaison.department).update(
        role=Assignment.Role.LEAD
    )

    page = login(client, liaison).get(reverse("task_detail", args=[insurance_task.pk])).content.decode()

    assert "Evidence (佐证材料) is required" in page
