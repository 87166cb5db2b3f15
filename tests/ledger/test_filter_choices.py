"""What the task list's selects list (cheap, bounded) versus what its filters accept (all the user may see)."""

import datetime

import pytest
from django.urls import reverse

from tasks.ledger.filter_choices import LISTED_DOCUMENTS, listed_departments, listed_documents
from tasks.ledger.widgets import PlainSelect
from tests.factories import AssignmentFactory, DepartmentFactory, PolicyDocumentFactory, TaskFactory
from tests.ledger.test_filtersets import filtered, make_filterset

pytestmark = pytest.mark.django_db


def option_values(filterset, name: str) -> list[str]:
    """The select's options as the page renders them: after the list is computed, as the view does."""
    list(filterset.qs)
    return [str(value) for value, _label in filterset.form.fields[name].widget.choices if str(value)]


def test_the_document_select_lists_the_newest_documents_and_accepts_older_ones(office, zhengzhou):
    documents = [
        PolicyDocumentFactory(
            region=zhengzhou, issued_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n)
        )
        for n in range(LISTED_DOCUMENTS + 3)
    ]
    for document in documents:
        TaskFactory(document=document)
    listed = list(listed_documents(office))
    assert len(listed) == LISTED_DOCUMENTS
    assert listed[0] == documents[-1]
    oldest = documents[0]
    assert oldest not in listed

    filterset = make_filterset(office, {"document": oldest.pk})
    assert [task.document for task in filterset.qs] == [oldest]
    # Chosen, so listed: the select shows what is applied.
    assert str(oldest.pk) in option_values(filterset, "document")


def test_a_department_outside_the_region_chain_is_accepted_when_it_works_on_a_visible_task(
    office, insurance_task, changsha_bureau, outsider
):
    AssignmentFactory(task=insurance_task, department=changsha_bureau)
    assert changsha_bureau not in listed_departments(office)
    assert filtered(office, department=changsha_bureau.pk) == [insurance_task]
    assert str(changsha_bureau.pk) in option_values(
        make_filterset(office, {"department": changsha_bureau.pk}), "department"
    )
    # A department on no visible task is refused, and not listed.
    stranger = DepartmentFactory(region=changsha_bureau.region)
    filterset = make_filterset(office, {"department": stranger.pk})
    assert "department" in filterset.errors
    assert list(filterset.qs) == []
    assert str(stranger.pk) not in option_values(filterset, "department")


def test_plain_select_marks_the_chosen_option_and_escapes_labels():
    widget = PlainSelect(choices=[("", "---------"), (1, "卫健委<b>"), (2, "医保局")], attrs={"class": "x"})
    html = widget.render("department", 2, attrs={"id": "id_department"})
    assert html.startswith('<select class="x" id="id_department" name="department">')
    assert '<option value="2" selected>医保局</option>' in html
    assert "卫健委&lt;b&gt;" in html
    assert '<option value="1">' in html


def test_the_list_page_renders_the_plain_selects(client, office, insurance_task):
    client.force_login(office)
    page = client.get(reverse("task_list"), {"department": insurance_task.assignments.first().department_id})
    html = page.content.decode()
    assert 'name="department"' in html
    assert 'class="form-select form-select-sm"' in html
    assert " selected>" in html
