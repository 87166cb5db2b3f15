"""htmx on the task list and the task page, as markup: the attributes that make the interactions, the
fragments they select from the whole page, and the pages still whole for a plain GET (no JavaScript).

The views know nothing of htmx: a request with the HX-Request header gets the same page, from which
htmx selects `#task-results` (the list) or `#task-history` (the task page). The journeys themselves run
in a real browser in tests/browser/test_htmx_journeys.py.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from tasks.models import TaskStatus
from tests.factories import PolicyDocumentFactory, TaskChangeFactory, TaskFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("task_list")
EXPORT_URL = reverse("task_export")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class Elements(HTMLParser):
    """Every start tag of a page as (tag, attributes), in order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def by_id(self, element_id: str) -> dict[str, str]:
        found = [attrs for _tag, attrs in self.tags if attrs.get("id") == element_id]
        assert len(found) == 1, f"#{element_id}: {len(found)} elements"
        return found[0]

    def having(self, attribute: str, tag: str | None = None) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if attribute in attrs and tag in (None, name)]

    def with_class(self, css_class: str) -> list[dict[str, str]]:
        return [attrs for _tag, attrs in self.tags if css_class in attrs.get("class", "").split()]


def get(client, user, url, params=None, **headers):
    client.force_login(user)
    # The language switch's cookie: pages in English, so they are asserted by their msgids.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url, params or {}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def task_links(html: str) -> list[int]:
    return sorted({int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html)})


# The task list -----------------------------------------------------------------------------------


class TestTaskList:
    def test_the_list_area_tells_htmx_what_to_ask_for_and_what_to_swap(self, client, office, zhengzhou_tasks):
        page = Elements(get(client, office, LIST_URL))
        (area,) = page.with_class("task-list")

        assert area["hx-target"] == "#task-results"
        assert area["hx-select"] == "#task-results"
        assert area["hx-swap"] == "outerHTML"
        assert area["hx-push-url"] == "true"
        assert area["hx-sync"] == "this:replace"
        # The count and the export link are outside the results: they come along out of band.
        assert area["hx-select-oob"] == "#task-count:innerHTML,#task-export"
        page.by_id("task-results")
        page.by_id("task-count")
        page.by_id("task-export")

    def test_the_filter_form_asks_on_change_and_as_one_types_without_losing_its_get(
        self, client, office, zhengzhou_tasks
    ):
        form = Elements(get(client, office, LIST_URL)).by_id("task-filter-form")

        # Without JavaScript it is the same GET form as before.
        assert form["method"] == "get"
        assert form["action"] == LIST_URL
        assert form["hx-get"] == LIST_URL
        trigger = form["hx-trigger"]
        assert "input changed delay:400ms from:(#task-filter-form input[type=text]" in trigger
        assert "change from:(#task-filter-form select, #task-filter-form input[type=checkbox]" in trigger
        assert trigger.endswith(", submit")
        # The search box is a text input, so typing in it is what asks (not leaving it as well).
        assert Elements(get(client, office, LIST_URL)).by_id("id_q")["type"] == "text"

    def test_a_loading_indicator_is_there_and_styled_by_a_static_file(self, client, office, zhengzhou_tasks):
        page = Elements(get(client, office, LIST_URL))
        (area,) = page.with_class("task-list")

        assert area["hx-indicator"] == "closest .task-list"
        assert "htmx-indicator" in page.by_id("task-list-indicator")["class"].split()
        css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
        assert ".htmx-request .htmx-indicator" in css

    def test_sort_headers_and_page_links_ask_for_their_own_href(self, client, office, zhengzhou_document):
        TaskFactory.create_batch(55, document=zhengzhou_document, status=TaskStatus.IN_PROGRESS)
        html = get(client, office, LIST_URL, {"status": "in_progress"})
        page = Elements(html)

        sort_links = page.with_class("sort-link")
        page_links = page.with_class("page-link")
        assert len(sort_links) == 5
        assert any(link.get("href") == "?status=in_progress&page=2" for link in page_links)
        for link in sort_links + [link for link in page_links if "href" in link]:
            assert link["hx-get"] == link["href"]
        # htmx puts the focus back on an element of the same id: the header or Next that was clicked.
        assert {link["id"] for link in sort_links} == {
            "sort-position",
            "sort-due_on",
            "sort-status",
            "sort-progress",
            "sort-updated_at",
        }
        page.by_id("page-next")
        # A page or a sort also brings the filter form in step with the URL (the ordering may change).
        assert page.by_id("task-results")["hx-select-oob"] == (
            "#task-count:innerHTML,#task-export,#task-filter-form"
        )
        (pages,) = [attrs for tag, attrs in page.tags if tag == "nav" and "hx-swap" in attrs]
        assert pages["hx-swap"] == "outerHTML show:#task-results:top"

    def test_clear_asks_for_the_whole_list_and_resets_the_form(self, client, office, zhengzhou_tasks):
        page = Elements(get(client, office, LIST_URL, {"q": "DRG"}))
        (clear,) = [attrs for attrs in page.having("hx-get", "a") if attrs["href"] == LIST_URL]

        assert clear["hx-get"] == LIST_URL
        assert "#task-filter-form" in clear["hx-select-oob"]

    def test_an_htmx_request_gets_the_whole_filtered_page_with_its_fragments(
        self, client, office, insurance_task, zhengzhou_tasks
    ):
        html = get(client, office, LIST_URL, {"q": "DRG", "page": "1"}, HTTP_HX_REQUEST="true")
        page = Elements(html)

        assert task_links(html) == [insurance_task.pk]
        assert "1 task" in html
        # What hx-select and hx-select-oob take from the response is there, up to date.
        page.by_id("task-results")
        page.by_id("task-filter-form")
        assert page.by_id("id_q")["value"] == "DRG"
        assert page.by_id("task-export")["href"] == f"{EXPORT_URL}?q=DRG"

    def test_a_plain_get_still_lists_filters_sorts_and_exports(self, client, office, zhengzhou_tasks):
        insurance, health, county = zhengzhou_tasks
        html = get(client, office, LIST_URL, {"ordering": "-position", "status": "not_started"})
        page = Elements(html)

        assert task_links(html) == sorted(t.pk for t in zhengzhou_tasks)
        assert html.index(f'href="/tasks/{county.pk}/"') < html.index(f'href="/tasks/{insurance.pk}/"')
        assert page.by_id("task-export")["href"] == f"{EXPORT_URL}?ordering=-position&status=not_started"
        (selected,) = [
            attrs for tag, attrs in page.tags if tag == "option" and "selected" in attrs and attrs["value"]
        ]
        assert selected["value"] == "-position"

    def test_invalid_filters_show_their_errors_inside_the_swapped_area(self, client, office, zhengzhou_tasks):
        html = get(client, office, LIST_URL, {"due_within": "soon"})

        results = html[html.index('id="task-results"') :]
        assert 'class="alert alert-danger filter-errors"' in results
        assert task_links(html) == []

    def test_the_page_scripts_are_static_files(self, client, office, zhengzhou_tasks):
        html = get(client, office, LIST_URL)
        scripts = [attrs for tag, attrs in Elements(html).tags if tag == "script"]

        assert scripts
        assert all(attrs.get("src") for attrs in scripts)
        assert any(attrs["src"].endswith("js/task_list.js") for attrs in scripts)
        assert finders.find("js/task_list.js")


# The task page's history ---------------------------------------------------------------------------


def detail_url(task) -> str:
    return reverse("task_detail", args=[task.pk])


class TestTaskHistory:
    @pytest.fixture
    def long_history(self, insurance_task, office):
        for number in range(1, 13):
            TaskChangeFactory(task=insurance_task, actor=office, note=f"第{number}次变更")
        return insurance_task

    def test_the_latest_ten_changes_and_a_link_to_all_of_them(self, client, office, long_history):
        html = get(client, office, detail_url(long_history))
        page = Elements(html)

        assert len(page.with_class("history-item")) == 10
        assert "第12次变更" in html
        assert "第3次变更" in html
        assert "第2次变更" not in html
        assert "第1次变更" not in html
        (more,) = page.with_class("history-more")
        assert more["href"] == f"{detail_url(long_history)}?history=all#task-history"
        assert more["hx-get"] == f"{detail_url(long_history)}?history=all"
        assert more["hx-target"] == "#task-history"
        assert more["hx-select"] == "#task-history"
        assert more["hx-swap"] == "outerHTML"
        assert more["hx-replace-url"] == "true"
        assert "Show all 12 changes" in html

    def test_all_changes_without_the_link(self, client, office, long_history):
        html = get(client, office, detail_url(long_history), {"history": "all"}, HTTP_HX_REQUEST="true")
        page = Elements(html)

        page.by_id("task-history")
        assert len(page.with_class("history-item")) == 12
        assert "第1次变更" in html
        assert page.with_class("history-more") == []

    def test_a_short_history_has_no_link(self, client, office, insurance_task):
        TaskChangeFactory.create_batch(10, task=insurance_task, actor=office)
        page = Elements(get(client, office, detail_url(insurance_task)))

        assert len(page.with_class("history-item")) == 10
        assert page.with_class("history-more") == []


# Every page --------------------------------------------------------------------------------------


class TestEveryPage:
    def test_htmx_is_configured_for_a_strict_content_security_policy(self, client, office):
        html = get(client, office, reverse("home"))

        assert (
            '<meta name="htmx-config" content=\''
            '{"includeIndicatorStyles": false, "allowEval": false, "historyCacheSize": 0, '
            '"attributesToSettle": ["class", "width", "height"]}\'>'
        ) in html
        # History restores swap <main>, so the scripts at the end of <body> never run twice.
        assert "<main" in html
        assert Elements(html).having("hx-history-elt", "main")
        assert finders.find("js/portal.js")

    def test_no_template_has_inline_script_or_event_handler_attributes(self):
        for template in TEMPLATES.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for tag in re.findall(r"<script\b[^>]*>", text):
                assert "src=" in tag, (template, tag)
            assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", text), template
            assert "hx-on" not in text, template

    def test_an_empty_list_still_has_the_area_htmx_swaps(self, client, office, zhengzhou):
        PolicyDocumentFactory(region=zhengzhou)
        html = get(client, office, LIST_URL)

        Elements(html).by_id("task-results")
        assert "No tasks match these filters." in html
