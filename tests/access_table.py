"""The portal's role rules as one table: for each action, what each persona of the test cast gets.

The page matrices (tests/ledger/test_task_actions.py, tests/test_page_permissions.py) and the API matrix
(tests/api/test_permission_matrix.py) compute their expected statuses from this table, each through
its transport's small mapping of an outcome to a status; tests/test_access.py checks the table against
tasks/access.py itself. So a rule changed in one place and not the others fails a test.

The object of each action is in 郑州市 (tests/conftest.py): a task led by 郑州市医疗保障局 with
郑州市卫生健康委员会 cooperating (insurance_task; the API's own_task is led by 医保局 alone), 医保局's
department report, 郑州市's office ledger, the persona's own import of a 郑州市 document, 医保局 itself
(a department with an overdue task) and a leader's instruction on the task, answered by 医保局. The
dashboard, the ledger build and the late departments are of the user's own region (UNSCOPED).

Personas, relative to that object:
    office               office staff of 郑州市
    province_office      office staff of 河南省, the region above
    leader               a leader of 郑州市
    liaison              the liaison of 医保局, the department leading the task (its report's department)
    cooperating_liaison  a liaison of a department cooperating on the task (卫健委); another department's
                         report is not theirs to see
    other_liaison        a liaison of a department not on the task (nor the report's)
    outsider             office staff of 长沙市, another city
    nobody               a signed-in user with no role
    superuser            a superuser with no role and no region
    anonymous            not signed in

Outcomes: ALLOW (the action succeeds), ROLE (in scope, but the role may not: 403), SCOPE (out of
scope: not found), LOGIN (sign in first).
"""

from __future__ import annotations

from enum import Enum


class Outcome(Enum):
    ALLOWED = "allowed"
    ROLE = "refused by role"
    SCOPE = "out of scope"
    LOGIN = "signs in first"


ALLOW, ROLE, SCOPE, LOGIN = Outcome.ALLOWED, Outcome.ROLE, Outcome.SCOPE, Outcome.LOGIN

PERSONAS = (
    "office",
    "province_office",
    "leader",
    "liaison",
    "cooperating_liaison",
    "other_liaison",
    "outsider",
    "nobody",
    "superuser",
    "anonymous",
)

# The fixture of each persona in the cast (tests/conftest.py), on insurance_task and 医保局's report:
# 卫健委 cooperates on the one and has nothing to do with the other; 中原区人民政府 is on neither.
FIXTURES: dict[str, str | None] = {
    **{persona: persona for persona in PERSONAS},
    "cooperating_liaison": "other_liaison",
    "other_liaison": "county_liaison",
    "anonymous": None,
}

# fmt: off
_GRID = {
    #                            office province leader  liaison coop.  other  outsider nobody super  anon.
    # Tasks: everyone in scope sees them; office staff change them; the departments on a task report.
    "view_task":                (ALLOW, ALLOW,   ALLOW,  ALLOW,  ALLOW, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "edit_task":                (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    # 报送进展: the departments on the task, and office staff (for a department that reports on paper).
    "report_progress":          (ALLOW, ALLOW,   ROLE,   ALLOW,  ALLOW, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "remind":                   (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    # 销号 (verify) or 退回 (return) a completion request.
    "verify":                   (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    # 申请销号 is the lead (or co-lead) department's; 延期申请 any department's on the task.
    "request_completion":       (ROLE,  ROLE,    ROLE,   ALLOW,  ROLE,  SCOPE, SCOPE,   SCOPE, ROLE,  LOGIN),
    "request_extension":        (ROLE,  ROLE,    ROLE,   ALLOW,  ALLOW, SCOPE, SCOPE,   SCOPE, ROLE,  LOGIN),
    "decide_extension":         (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    # Office staff import documents for their region and below (ROLE_FIRST).
    "import_documents":         (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  ROLE,  SCOPE,   ROLE,  ALLOW, LOGIN),
    # Leaders, office staff and superusers; liaisons have their own task list instead.
    "see_dashboard":            (ALLOW, ALLOW,   ALLOW,  ROLE,   ROLE,  ROLE,  ALLOW,   ROLE,  ALLOW, LOGIN),
    # Department reports: seen by who oversees the region and the department's liaison; built, filled
    # and reviewed by office staff and the department's liaison; submitted (上报) by the liaison only.
    # Leaders read them and no more.
    "see_report":               (ALLOW, ALLOW,   ALLOW,  ALLOW,  SCOPE, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "build_department_report":  (ALLOW, ALLOW,   ROLE,   ALLOW,  SCOPE, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "fill_report":              (ALLOW, ALLOW,   ROLE,   ALLOW,  SCOPE, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "submit_report":            (ROLE,  ROLE,    ROLE,   ALLOW,  SCOPE, SCOPE, SCOPE,   SCOPE, ROLE,  LOGIN),
    "review_report":            (ALLOW, ALLOW,   ROLE,   ROLE,   SCOPE, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    # The office ledger (台账 and 通报) and the monthly 通报 as a Word document (the same rules): office
    # staff and leaders build their region's and download those of their region and below. The superuser has no region, so no ledger of their own to build
    # (may_build_ledger grants the role; see tests/test_access.py).
    "build_ledger":             (ALLOW, ALLOW,   ALLOW,  ROLE,   ROLE,  ROLE,  ALLOW,   ROLE,  ROLE,  LOGIN),
    # 全部生成: office staff build every department's report of their own region (the superuser has none).
    "build_all_reports":        (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  ROLE,  ALLOW,   ROLE,  ROLE,  LOGIN),
    "download_ledger":          (ALLOW, ALLOW,   ALLOW,  SCOPE,  SCOPE, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "see_late_reports":         (ALLOW, ALLOW,   ALLOW,  ROLE,   ROLE,  ROLE,  ALLOW,   ROLE,  ALLOW, LOGIN),
    # Reporting periods: office staff close their own region's (the province office its own 河南省's;
    # the superuser has no region of its own); office staff and leaders see the closings of their
    # region and below and their changes; liaisons have none (refused before any closing is looked up).
    "close_period":             (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  ROLE,  ALLOW,   ROLE,  ROLE,  LOGIN),
    "see_periods":              (ALLOW, ALLOW,   ALLOW,  ROLE,   ROLE,  ROLE,  ALLOW,   ROLE,  ALLOW, LOGIN),
    "see_period":               (ALLOW, ALLOW,   ALLOW,  ROLE,   ROLE,  ROLE,  SCOPE,   ROLE,  ALLOW, LOGIN),
    # Group robots: office staff configure their own region's (the object is 郑州市's office robot; the
    # province office configures 河南省's, not the city's), superusers any; other roles are refused
    # before any robot is looked up (ROLE_FIRST). The list is of the user's own region.
    "see_robots":               (ALLOW, ALLOW,   ROLE,   ROLE,   ROLE,  ROLE,  ALLOW,   ROLE,  ALLOW, LOGIN),
    "manage_robots":            (ALLOW, SCOPE,   ROLE,   ROLE,   ROLE,  ROLE,  SCOPE,   ROLE,  ALLOW, LOGIN),
    # 领导批示: leaders (and superusers) write them on a task they see, or on a department of their
    # scope with overdue tasks (the liaison's own department is in their scope, 卫健委's liaison's is not);
    # the answering department's (医保局's) liaison replies; office staff do not reply on its behalf, and
    # a cooperating department sees the instruction on its task but does not answer it.
    "instruct":                 (ROLE,  ROLE,    ALLOW,  ROLE,   ROLE,  SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "instruct_department":      (ROLE,  ROLE,    ALLOW,  ROLE,   SCOPE, SCOPE, SCOPE,   SCOPE, ALLOW, LOGIN),
    "reply_instruction":        (ROLE,  ROLE,    ROLE,   ALLOW,  ROLE,  SCOPE, SCOPE,   SCOPE, ROLE,  LOGIN),
}
# fmt: on

TABLE: dict[str, dict[str, Outcome]] = {
    action: dict(zip(PERSONAS, row, strict=True)) for action, row in _GRID.items()
}

# Of the user's own region, not of an object: nothing is out of scope, and the outsider (of 长沙市) is
# allowed what the office of 郑州市 is.
UNSCOPED = frozenset(
    {
        "see_dashboard",
        "build_ledger",
        "build_all_reports",
        "see_late_reports",
        "see_robots",
        "close_period",
        "see_periods",
    }
)

# Refused by role before any object is looked up: a role that may not import gets 403 for any import,
# in scope or not. Everywhere else the object is looked up first, so out of scope is not found even
# for a role that could not have acted on it.
ROLE_FIRST = frozenset({"import_documents", "manage_robots", "see_period"})

# What the navigation bar offers each persona (tasks.access.navigation).
NAVIGATION: dict[str, frozenset[str]] = {
    "office": frozenset({"dashboard", "reports", "import_documents", "robots"}),
    "province_office": frozenset({"dashboard", "reports", "import_documents", "robots"}),
    "leader": frozenset({"dashboard", "reports"}),
    "liaison": frozenset({"my_tasks", "reports"}),
    "cooperating_liaison": frozenset({"my_tasks", "reports"}),
    "other_liaison": frozenset({"my_tasks", "reports"}),
    "outsider": frozenset({"dashboard", "reports", "import_documents", "robots"}),
    "nobody": frozenset(),
    "superuser": frozenset({"dashboard", "reports", "import_documents", "robots"}),
    "anonymous": frozenset(),
}


def outside_scope(action: str, persona: str) -> Outcome:
    """The persona's outcome on the same kind of object outside their scope (长沙市's): not found; but
    a role refused before the lookup (ROLE_FIRST) stays refused, the anonymous sign in first, and for
    the superuser nothing is out of scope."""
    if action in UNSCOPED:
        raise ValueError(f"{action} is of the user's own region: no object is out of scope")
    outcome = TABLE[action][persona]
    if persona == "superuser" or outcome is LOGIN or (outcome is ROLE and action in ROLE_FIRST):
        return outcome
    return SCOPE
