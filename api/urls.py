"""/api/v1/: the REST API. Anything else under the prefix is a JSON 404, never an HTML page."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from accounts.api import MeView, TokenView
from regions.api import DepartmentViewSet, RegionViewSet
from tasks.dashboard.api import DashboardView
from tasks.imports.api import DocumentImportViewSet
from tasks.inbox.api import InboxView, NotificationViewSet
from tasks.instructions.api import (
    DepartmentInstructionsView,
    InstructionRepliesView,
    InstructionViewSet,
    ReplyEvidenceDownloadView,
    TaskInstructionsView,
)
from tasks.ledger.api.completion import TaskCompletionRequestView, TaskReturnView, TaskVerifyView
from tasks.ledger.api.documents import DocumentViewSet
from tasks.ledger.api.evidence import EvidenceDownloadView
from tasks.ledger.api.extensions import ExtensionDecisionView, TaskExtensionsView
from tasks.ledger.api.parts import AssignmentViewSet, DeadlineViewSet, TargetViewSet
from tasks.ledger.api.progress import TaskProgressView
from tasks.ledger.api.tasks import TaskViewSet
from tasks.notices.api import RobotViewSet
from tasks.periods.api import PeriodViewSet
from tasks.reminders.api import TaskRemindersView
from tasks.reports.api import ReportViewSet

app_name = "api"


def docs_csp(view):
    """The site's policy, plus what Swagger UI and ReDoc need: they set styles inline (elements and
    attributes, from their own scripts) and ReDoc runs its search in a blob: worker. Scripts stay 'self'
    (the split Swagger view serves its initialiser as a file)."""
    policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    policy["style-src"] = [CSP.SELF, CSP.UNSAFE_INLINE]
    policy["worker-src"] = [CSP.SELF, "blob:"]
    return csp_override(policy)(view)


class IdRouter(SimpleRouter):
    """Object ids are integers (`<int:pk>`): `/tasks/abc/` is the prefix's JSON 404, never a lookup of
    "abc", and the schema types the ids as integers."""

    def __init__(self) -> None:
        super().__init__(use_regex_path=False)

    def get_lookup_regex(self, viewset, lookup_prefix: str = "") -> str:
        name = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        return f"<int:{lookup_prefix}{name}>"


router = IdRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("departments", DepartmentViewSet, basename="department")
router.register("documents", DocumentViewSet, basename="document")
router.register("document-imports", DocumentImportViewSet, basename="document-import")
router.register("tasks", TaskViewSet, basename="task")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("targets", TargetViewSet, basename="target")
router.register("reports", ReportViewSet, basename="report")
router.register("periods", PeriodViewSet, basename="period")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("robots", RobotViewSet, basename="robot")
router.register("instructions", InstructionViewSet, basename="instruction")


# Exempt from CSRF: a POST to an unknown path is answered with this JSON 404, not the middleware's HTML
# 403 (it changes nothing, so there is nothing to protect).
@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse({"detail": _("No such API endpoint."), "code": "not_found"}, status=404)


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("tasks/<int:pk>/progress/", TaskProgressView.as_view(), name="task-progress"),
    path(
        "departments/<int:pk>/instructions/",
        DepartmentInstructionsView.as_view(),
        name="department-instructions",
    ),
    path("tasks/<int:pk>/reminders/", TaskRemindersView.as_view(), name="task-reminders"),
    path(
        "tasks/<int:pk>/completion-request/",
        TaskCompletionRequestView.as_view(),
        name="task-completion-request",
    ),
    path("tasks/<int:pk>/verify/", TaskVerifyView.as_view(), name="task-verify"),
    path("tasks/<int:pk>/return/", TaskReturnView.as_view(), name="task-return"),
    path("tasks/<int:pk>/extensions/", TaskExtensionsView.as_view(), name="task-extensions"),
    path("extensions/<int:pk>/decision/", ExtensionDecisionView.as_view(), name="extension-decision"),
    path("evidence/<int:pk>/download/", EvidenceDownloadView.as_view(), name="evidence-download"),
    path("tasks/<int:pk>/instructions/", TaskInstructionsView.as_view(), name="task-instructions"),
    path("instructions/<int:pk>/replies/", InstructionRepliesView.as_view(), name="instruction-replies"),
    path(
        "instruction-replies/<int:pk>/download/",
        ReplyEvidenceDownloadView.as_view(),
        name="instruction-reply-evidence",
    ),
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path(
        "docs/redoc/",
        docs_csp(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")),
        name="redoc",
    ),
    # [\s\S], not ".": a path with a newline (%0A) is not found here too, not by the site's HTML 404.
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),
]
