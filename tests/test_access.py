"""The role table (tests/access_table.py) against tasks/access.py itself, for every persona.

The page matrices and the API matrix compute their statuses from the table; here the table is
computed again from the functions of tasks/access.py (and the scoped querysets that follow its
scope_of), so that the table, the pages, the API and the rules cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from regions.models import Region
from tasks.access import (
    NotPermitted,
    can_edit_task,
    can_import,
    can_instruct_on,
    can_reply,
    can_report_on,
    can_request_completion,
    can_view_task,
    is_active,
    may_build_all_reports,
    may_build_ledger,
    may_close_period,
    may_fill_report,
    may_instruct,
    may_manage_robots,
    may_request_department_report,
    may_review_reports,
    may_see_dashboard,
    may_see_late_reports,
    may_see_periods,
    may_see_reports,
    may_submit_report,
    navigation,
    require_editor,
    require_instructor,
    require_reporter,
    scope_of,
)
from tasks.imports.services.review import importable_regions
from tasks.models import Report, Robot, Task
from tasks.notices.services.robots import robots_visible_to
from tasks.reports.services.department import departments_in_scope, reports_visible_to
from tests.access_table import (
    ALLOW,
    FIXTURES,
    LOGIN,
    NAVIGATION,
    PERSONAS,
    ROLE,
    ROLE_FIRST,
    SCOPE,
    TABLE,
    UNSCOPED,
    Outcome,
    outside_scope,
)
from tests.factories import InstructionFactory, ReportFactory
from tests.notices.factories import RobotFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """The objects of the table, all of 郑州市."""

    task: Task
    report: Report
    ledger: Report
    zhengzhou: Region
    robot: Robot
    instruction: Any


@pytest.fixture
def world(insurance_task, insurance_bureau, zhengzhou, leader) -> World:
    return World(
        task=insurance_task,
        report=ReportFactory(department=insurance_bureau, period="2026-10"),
        ledger=ReportFactory(kind=Report.Kind.LEDGER, department=None, region=zhengzhou, period="2026-10"),
        zhengzhou=zhengzhou,
        robot=RobotFactory(region=zhengzhou),
        instruction=InstructionFactory(task=insurance_task, department=insurance_bureau, author=leader),
    )


@pytest.fixture(params=PERSONAS)
def persona(request) -> tuple[str, Any]:
    name = FIXTURES[request.param]
    return request.param, None if name is None else request.getfixturevalue(name)


def sees(user, region: Region, departments=()) -> bool:
    """scope_of's rule, as tasks/access.py states it: a superuser everything, office staff and leaders
    their region and the regions below it, a liaison their department's, anyone else nothing."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.region_id:
        return Region.objects.subtree(scope.region_id).filter(pk=region.pk).exists()
    return scope.department_id is not None and scope.department_id in {d.pk for d in departments}


def sees_task(user, task: Task) -> bool:
    return sees(user, task.document.region, [a.department for a in task.assignments.all()])


def manages(user, robot: Robot) -> bool:
    """A robot is its office's: of the user's own region (not the regions below), or a superuser's."""
    scope = scope_of(user)
    return scope.everything or (scope.region_id is not None and scope.region_id == robot.region_id)


def sees_report(user, report: Report) -> bool:
    return sees(user, report.region, [report.department] if report.department_id else [])


# Each action of the table: (in scope?, may the role act?) from tasks/access.py's functions.
Rule = Callable[[Any, World], tuple[bool, bool]]
RULES: dict[str, Rule] = {
    "view_task": lambda u, w: (sees_task(u, w.task), can_view_task(u, w.task)),
    "edit_task": lambda u, w: (sees_task(u, w.task), can_edit_task(u, w.task)),
    # Office staff report progress too (for a department that reports on paper).
    "report_progress": lambda u, w: (
        sees_task(u, w.task),
        can_report_on(u, w.task) or can_edit_task(u, w.task),
    ),
    "remind": lambda u, w: (sees_task(u, w.task), can_edit_task(u, w.task)),
    "verify": lambda u, w: (sees_task(u, w.task), can_edit_task(u, w.task)),
    "request_completion": lambda u, w: (sees_task(u, w.task), can_request_completion(u, w.task)),
    "request_extension": lambda u, w: (sees_task(u, w.task), can_report_on(u, w.task)),
    "decide_extension": lambda u, w: (sees_task(u, w.task), can_edit_task(u, w.task)),
    "import_documents": lambda u, w: (sees(u, w.zhengzhou), can_import(u)),
    "see_dashboard": lambda u, w: (True, may_see_dashboard(u)),
    "see_report": lambda u, w: (sees_report(u, w.report), sees_report(u, w.report)),
    "build_department_report": lambda u, w: (
        sees_report(u, w.report),
        may_request_department_report(u, w.report.department_id),
    ),
    "fill_report": lambda u, w: (sees_report(u, w.report), may_fill_report(u, w.report)),
    "submit_report": lambda u, w: (sees_report(u, w.report), may_submit_report(u, w.report)),
    "review_report": lambda u, w: (sees_report(u, w.report), may_review_reports(u)),
    "build_ledger": lambda u, w: (True, may_build_ledger(u)),
    "build_all_reports": lambda u, w: (True, may_build_all_reports(u)),
    "download_ledger": lambda u, w: (sees_report(u, w.ledger), sees_report(u, w.ledger)),
    "see_late_reports": lambda u, w: (True, may_see_late_reports(u)),
    "see_robots": lambda u, w: (True, may_manage_robots(u)),
    "close_period": lambda u, w: (True, may_close_period(u)),
    "see_periods": lambda u, w: (True, may_see_periods(u)),
    "see_period": lambda u, w: (sees(u, w.zhengzhou), may_see_periods(u)),
    "manage_robots": lambda u, w: (manages(u, w.robot), may_manage_robots(u)),
    "instruct": lambda u, w: (sees_task(u, w.task), can_instruct_on(u, w.task)),
    "instruct_department": lambda u, w: (
        sees(u, w.instruction.department.region, [w.instruction.department]),
        may_instruct(u),
    ),
    # An instruction on a task is seen by who sees the task.
    "reply_instruction": lambda u, w: (sees_task(u, w.task), can_reply(u, w.instruction)),
}

# Where the portal answers otherwise than tasks/access.py's function alone, and why.
EXCEPTIONS = {
    # may_build_ledger grants superusers the role, but the pages and the API build the ledger of the
    # user's own region, and the cast's superuser has none: both refuse (403).
    ("build_ledger", "superuser"): ROLE,
    # The same for closing a period: of the user's own region unless a region is named.
    ("close_period", "superuser"): ROLE,
}


def decided(action: str, user, world: World) -> Outcome:
    """The outcome tasks/access.py gives, in the order the table says the portal asks."""
    if not is_active(user):
        return LOGIN
    in_scope, allowed = RULES[action](user, world)
    if action in UNSCOPED:
        return ALLOW if allowed else ROLE
    if action in ROLE_FIRST:
        return ROLE if not allowed else ALLOW if in_scope else SCOPE
    return SCOPE if not in_scope else ALLOW if allowed else ROLE


def test_every_action_of_the_table_has_a_rule():
    assert set(RULES) == set(TABLE)
    assert set(TABLE) >= UNSCOPED | ROLE_FIRST


@pytest.mark.parametrize("action", list(TABLE))
def test_the_table_is_what_tasks_access_decides(action, persona, world):
    name, user = persona
    expected = TABLE[action][name]
    decision = EXCEPTIONS.get((action, name), decided(action, user, world))
    assert decision == expected, f"{action} as {name}: tasks/access.py says {decision}, the table {expected}"


def test_the_exceptions_are_exceptions(superuser, world):
    """Each exception is a real one: tasks/access.py's function alone says otherwise."""
    for (action, name), outcome in EXCEPTIONS.items():
        assert name == "superuser"
        assert decided(action, superuser, world) != outcome, action


def test_scope_is_one_rule_for_every_scoped_queryset(persona, world):
    """Task.objects.visible_to, the reports, departments and import regions follow scope_of."""
    _name, user = persona
    task, report, ledger = world.task, world.report, world.ledger
    assert Task.objects.visible_to(user).filter(pk=task.pk).exists() == sees_task(user, task)
    assert reports_visible_to(user).filter(pk=report.pk).exists() == sees_report(user, report)
    assert reports_visible_to(user).filter(pk=ledger.pk).exists() == sees_report(user, ledger)
    in_scope = departments_in_scope(user).filter(pk=report.department_id).exists()
    assert in_scope == sees_report(user, report)
    assert robots_visible_to(user).filter(pk=world.robot.pk).exists() == (
        may_manage_robots(user) and manages(user, world.robot)
    )
    may_import_here = importable_regions(user).filter(pk=world.zhengzhou.pk).exists()
    assert may_import_here == (can_import(user) and sees(user, world.zhengzhou))


def test_the_require_functions_refuse_as_the_table_says(persona, world):
    """require_editor and require_reporter, which services call before they write: nothing for an
    allowed user, NotPermitted (403) for a role that may not, not found out of scope."""
    name, user = persona
    if user is None:
        return  # the anonymous never reach a service: the pages and the API ask them to sign in
    for action, check in (
        ("edit_task", lambda: require_editor(user, world.task)),
        ("report_progress", lambda: require_reporter(user, world.task)),
        ("request_extension", lambda: require_reporter(user, world.task, office_too=False)),
        ("instruct", lambda: require_instructor(user, world.task)),
    ):
        outcome = TABLE[action][name]
        if outcome is ALLOW:
            check()
        else:
            with pytest.raises(NotPermitted if outcome is ROLE else Task.DoesNotExist):
                check()


def test_the_navigation_offers_what_the_table_allows(persona):
    name, user = persona
    nav = navigation(user)
    offered = {
        entry
        for entry in ("my_tasks", "dashboard", "reports", "import_documents", "robots")
        if getattr(nav, entry)
    }
    assert offered == NAVIGATION[name]
    # The dashboard as the table's; the import screens to a role that may import (somewhere).
    assert ("dashboard" in offered) == (TABLE["see_dashboard"][name] is ALLOW)
    assert ("import_documents" in offered) == (TABLE["import_documents"][name] in (ALLOW, SCOPE))
    assert ("reports" in offered) == may_see_reports(user)
    assert ("robots" in offered) == (TABLE["see_robots"][name] is ALLOW)


def test_the_outsider_is_the_office_of_another_region():
    """The outsider's column is the office's outcome out of scope (the API matrix's out-of-scope
    column); of the user's own region, it is the office's."""
    for action, outcomes in TABLE.items():
        if action in UNSCOPED:
            assert outcomes["outsider"] == outcomes["office"], action
        else:
            assert outcomes["outsider"] == outside_scope(action, "office"), action


def test_only_the_anonymous_sign_in_first():
    for action, outcomes in TABLE.items():
        assert [p for p, outcome in outcomes.items() if outcome is LOGIN] == ["anonymous"], action


def test_leaders_read_tasks_and_reports_and_build_and_download_the_ledger():
    """The decision: leaders are read-only on tasks; department reports (build, fill, submit, review)
    stay with office staff and the department's liaison; leaders may request and download the office
    ledger (台账 and 通报) of their scope, and write instructions (领导批示)."""
    leader = {action: outcomes["leader"] for action, outcomes in TABLE.items()}
    assert leader.pop("view_task") is ALLOW
    assert leader.pop("see_report") is ALLOW
    assert leader.pop("see_dashboard") is ALLOW
    assert leader.pop("see_late_reports") is ALLOW
    assert leader.pop("build_ledger") is ALLOW
    assert leader.pop("download_ledger") is ALLOW
    assert leader.pop("instruct") is ALLOW
    assert leader.pop("instruct_department") is ALLOW
    # Leaders read the closed periods and their "as of" views; closing is the office's.
    assert leader.pop("see_periods") is ALLOW
    assert leader.pop("see_period") is ALLOW
    assert set(leader.values()) == {ROLE}, leader
    office_and_the_department = {"office", "province_office", "liaison", "superuser"}
    for action in ("build_department_report", "fill_report", "submit_report", "review_report"):
        allowed = {persona for persona, outcome in TABLE[action].items() if outcome is ALLOW}
        assert allowed <= office_and_the_department, action
