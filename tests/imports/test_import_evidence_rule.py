"""The import review sets the document's rule on evidence for completion (销号须提交佐证材料): ticked
by default as settings.COMPLETION_EVIDENCE_REQUIRED says, and what the reviewer leaves is imported."""

import pytest
from django.test import override_settings

from tasks.imports.services.review_edits import draft_revision
from tasks.models import PolicyDocument
from tests.imports.test_import_views import client_for, office_client, pending, review_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

CHECKBOX = 'name="completion_evidence_required" value="1"'


def confirm(client, doc_import, **fields) -> PolicyDocument:
    form = {
        "revision": draft_revision(doc_import.draft),
        "action": "confirm",
        "acknowledge_unmatched": "1",
        **fields,
    }
    response = client.post(review_url(doc_import), form)
    assert response.status_code == 302, response.content.decode()[:500]
    return PolicyDocument.objects.get()


def test_the_review_offers_it_ticked_as_the_setting_says(office_client, pending):  # noqa: F811
    page = office_client.get(review_url(pending)).content.decode()
    assert f"{CHECKBOX} checked" in page

    with override_settings(COMPLETION_EVIDENCE_REQUIRED=False):
        page = office_client.get(review_url(pending)).content.decode()
    assert CHECKBOX in page
    assert f"{CHECKBOX} checked" not in page


def test_a_ticked_box_imports_a_document_that_requires_evidence(office_client, pending):  # noqa: F811
    with override_settings(COMPLETION_EVIDENCE_REQUIRED=False):
        document = confirm(office_client, pending, review_form="1", completion_evidence_required="1")
    assert document.completion_evidence_required is True


def test_an_unticked_box_imports_one_that_does_not(office_client, pending):  # noqa: F811
    document = confirm(office_client, pending, review_form="1")
    assert document.completion_evidence_required is False


def test_a_form_that_does_not_show_it_leaves_the_setting(office_client, pending):  # noqa: F811
    document = confirm(office_client, pending)
    assert document.completion_evidence_required is True


def test_a_box_left_as_shown_keeps_the_default(office_client, pending):  # noqa: F811
    shown = {"review_form": "1", "completion_evidence_shown": "1", "completion_evidence_required": "1"}
    office_client.post(
        review_url(pending), {"revision": draft_revision(pending.draft), "action": "save", **shown}
    )
    pending.refresh_from_db()
    assert "completion_evidence_required" not in pending.draft

    with override_settings(COMPLETION_EVIDENCE_REQUIRED=False):
        document = confirm(office_client, pending, review_form="1", completion_evidence_shown="0")
    assert document.completion_evidence_required is False


def test_unticking_the_box_shown_ticked_is_kept(office_client, pending):  # noqa: F811
    document = confirm(office_client, pending, review_form="1", completion_evidence_shown="1")
    assert document.completion_evidence_required is False
