"""Documents: the list of the user's scope with its filters, and one document's outline as far as the
user may see it."""

import datetime

import pytest

from tests.factories import DeadlineFactory, PolicyDocumentFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/documents/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def documents(zhengzhou_tasks, changsha_task, zhengzhou, zhongyuan):
    county = PolicyDocumentFactory(
        region=zhongyuan, title="中原区医改实施方案", issued_on=datetime.date(2026, 5, 1)
    )
    undated = PolicyDocumentFactory(
        region=zhengzhou, title="郑州市医改工作简报", issued_on=None, kind="bulletin"
    )
    return {"city": zhengzhou_tasks[0].document, "county": county, "undated": undated}


def test_the_office_lists_its_regions_documents_newest_first_undated_last(api_client, office, documents):
    assert ids(api_client(office).get(LIST)) == [
        documents["county"].pk,
        documents["city"].pk,
        documents["undated"].pk,
    ]


def test_a_liaison_lists_the_documents_holding_their_tasks(api_client, liaison, documents, changsha_task):
    assert ids(api_client(liaison).get(LIST)) == [documents["city"].pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=实施方案", ["county"]),
        ("q=简报", ["undated"]),
        ("region=410102", ["county"]),
        ("region=410100", ["county", "city", "undated"]),
        ("region=999999", []),
        ("kind=bulletin", ["undated"]),
        ("issued_after=2026-04-01", ["county"]),
        ("issued_before=2026-04-01", ["city"]),
    ],
)
def test_document_filters(api_client, office, documents, query, expected):
    assert ids(api_client(office).get(f"{LIST}?{query}")) == [documents[name].pk for name in expected]


def test_an_invalid_filter_is_named(api_client, office, documents):
    response = api_client(office).get(f"{LIST}?issued_after=someday")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["issued_after"]


def test_the_outline_lists_the_tasks_the_user_may_see_in_document_order(
    api_client, office, liaison, insurance_task, health_task, county_task
):
    DeadlineFactory(task=insurance_task)
    url = f"/api/v1/documents/{insurance_task.document_id}/"
    outline = api_client(office).get(url).json()["outline"]
    assert [row["id"] for row in outline] == [insurance_task.pk, health_task.pk, county_task.pk]
    assert outline[0]["deadlines"][0]["text"] == "2026年6月底前"
    assert {a["role"] for a in outline[0]["assignments"]} == {"lead", "cooperating"}
    assert [row["id"] for row in api_client(liaison).get(url).json()["outline"]] == [insurance_task.pk]


def test_a_document_without_a_visible_task_is_not_found_for_a_liaison(api_client, liaison, health_task):
    assert api_client(liaison).get(f"/api/v1/documents/{health_task.document_id}/").status_code == 404
