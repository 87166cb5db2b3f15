"""报送进展 through the API: JSON or multipart with evidence, checked by record_progress; the timeline;
and evidence downloads, only within scope and only as attachments."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from tasks.models import Evidence, ProgressUpdate, Target, Task, TaskChange
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def url(task) -> str:
    return f"/api/v1/tasks/{task.pk}/progress/"


def stored_files() -> set[str]:
    return {str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def state(task) -> tuple:
    task = Task.objects.get(pk=task.pk)
    return (
        task.version,
        task.status,
        task.progress,
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        TaskChange.objects.count(),
        list(Target.objects.filter(task=task).values_list("latest_actual", flat=True)),
        stored_files(),
    )


def test_a_liaison_reports_progress_as_json(api_client, liaison, own_task):
    target = own_task.targets.get()
    version = own_task.version
    response = api_client(liaison).post(
        url(own_task),
        {
            "status": "in_progress",
            "percent": 60,
            "narrative": "已完成方案起草。",
            "readings": {str(target.pk): "92.5"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"] == {"id": liaison.pk, "name": str(liaison)}
    assert body["department"]["id"] == liaison.department_id
    assert body["readings"] == [{"target": target.pk, "value": "92.5000"}]
    assert body["task_version"] == version + 1
    assert response["ETag"] == f'"{version + 1}"'
    own_task.refresh_from_db()
    assert (own_task.status, own_task.progress) == ("in_progress", 60)
    target.refresh_from_db()
    assert target.attained is True


def test_evidence_is_uploaded_as_multipart_and_downloaded_under_its_name(
    api_client, liaison, office, own_task
):
    target = own_task.targets.get()
    response = api_client(liaison).post(
        url(own_task),
        {
            "status": "in_progress",
            "percent": 70,
            "readings": json.dumps({target.pk: "80"}),
            "files": [SimpleUploadedFile("会议纪要.pdf", PDF), SimpleUploadedFile("现场照片.png", PNG)],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    evidence = response.json()["evidence"]
    assert [(e["original_name"], e["content_type"]) for e in evidence] == [
        ("会议纪要.pdf", "application/pdf"),
        ("现场照片.png", "image/png"),
    ]
    assert response.json()["readings"] == [{"target": target.pk, "value": "80.0000"}]

    download = api_client(office).get(evidence[0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_readings_may_come_as_one_multipart_field_per_target(api_client, liaison, own_task):
    target = own_task.targets.get()
    response = api_client(liaison).post(
        url(own_task),
        {"status": "in_progress", "percent": 10, f"readings.{target.pk}": "50"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    target.refresh_from_db()
    assert target.latest_actual == 50


def test_office_staff_report_too(api_client, office, own_task):
    response = api_client(office).post(url(own_task), {"status": "in_progress", "percent": 5}, format="json")
    assert response.status_code == 201
    assert response.json()["department"] is None


def test_a_cooperating_department_reports_on_the_task(api_client, other_liaison, insurance_task):
    response = api_client(other_liaison).post(url(insurance_task), {"status": "in_progress", "percent": 5})
    assert response.status_code == 201


def test_a_leader_is_told_leaders_only_read(api_client, leader, own_task):
    before = state(own_task)
    with translation.override("zh-hans"):
        response = api_client(leader).post(url(own_task), {"status": "in_progress", "percent": 5})
        message = gettext("Leaders have read-only access.")
    assert response.status_code == 403
    assert response.json()["detail"] == message
    assert state(own_task) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "completed", "percent": 100}, "status"),
        ({"status": "in_progress", "percent": 101}, "percent"),
        ({"status": "in_progress"}, "percent"),
        ({"status": "in_progress", "percent": 5, "readings": {"999999": "1"}}, "readings"),
        ({"status": "in_progress", "percent": 5, "readings": {"1": "many"}}, "readings.1"),
        ({"status": "in_progress", "percent": 5, "readings": "not json"}, "readings"),
    ],
)
def test_invalid_reports_are_400_naming_the_field_and_change_nothing(
    api_client, liaison, own_task, data, field
):
    before = state(own_task)
    response = api_client(liaison).post(url(own_task), data, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert state(own_task) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
        ("photo.pdf", PNG),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 64),
    ],
)
def test_a_refused_file_is_named_and_nothing_is_stored(api_client, liaison, own_task, name, content):
    before = state(own_task)
    response = api_client(liaison).post(
        url(own_task),
        {
            "status": "in_progress",
            "percent": 60,
            "files": [SimpleUploadedFile("good.pdf", PDF), SimpleUploadedFile(name, content)],
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [key.split(".")[0] for key in errors] == ["files"], "the files, or the one file (files.1)"
    assert state(own_task) == before


def test_a_completed_task_takes_no_more_reports(api_client, liaison, own_task):
    Task.objects.filter(pk=own_task.pk).update(status="completed", progress=100)
    before = state(own_task)
    response = api_client(liaison).post(url(own_task), {"status": "in_progress", "percent": 50})
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert state(own_task) == before


def test_the_timeline_is_newest_first_with_evidence(api_client, leader, liaison, own_task):
    api_client(liaison).post(url(own_task), {"status": "in_progress", "percent": 80}, format="json")
    rows = api_client(leader).get(url(own_task)).json()["results"]
    assert [row["percent"] for row in rows] == [80, 50]
    assert rows[1]["evidence"][0]["original_name"] == "会议纪要.pdf"
    assert rows[1]["evidence"][0]["download_url"].endswith(
        f"/api/v1/evidence/{rows[1]['evidence'][0]['id']}/download/"
    )


def test_evidence_whose_file_is_lost_is_not_found(api_client, office, own_task):
    evidence = Evidence.objects.get(update__task=own_task)
    evidence.file.storage.delete(evidence.file.name)
    response = api_client(office).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_download_refused_is_json_whatever_the_client_accepts(api_client, other_liaison, own_task):
    evidence = Evidence.objects.get(update__task=own_task)
    response = api_client(other_liaison).get(
        f"/api/v1/evidence/{evidence.pk}/download/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_target_of_another_task_cannot_be_reported(api_client, liaison, own_task, insurance_task):
    other = TargetFactory(task=insurance_task)
    before = state(own_task)
    response = api_client(liaison).post(
        url(own_task),
        {"status": "in_progress", "percent": 5, "readings": {str(other.pk): "1"}},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["readings"]
    assert state(own_task) == before
