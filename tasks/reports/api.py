"""Report workbooks, as the report pages: a department's periodic report (部门工作进展报表), the office's
ledger (台账) and its monthly 通报 (a Word document) — request a build and poll its status, download the workbook, upload it filled in, then
上报 (submit) by the department's liaison and approve or return (退回, with a reason) by office staff.

The services decide (tasks/reports/services/: department.py, filling.py, workflow.py, ledger.py). A report outside the user's scope is 404, a role that may not act 403 (checked
before the body is read), bad input 400, and a report in the wrong state for the action (not built yet,
not submitted, already handed in) 409 `invalid_state` with the service's message naming its status.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from api.errors import ErrorSerializer, ValidationErrorSerializer
from api.exceptions import InvalidState, responds_to
from api.negotiation import FirstRenderer
from regions.models import Region
from tasks.access import NotPermitted, require_ledger_builder
from tasks.downloads import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE
from tasks.models import Report
from tasks.numbers import parse_digits
from tasks.reports.files import workbook_response
from tasks.reports.filtersets import ReportFilterSet
from tasks.reports.serializers import (
    ReportDraftInputSerializer,
    ReportDraftSerializer,
    ReportRequestSerializer,
    ReportReturnInputSerializer,
    ReportRowsSerializer,
    ReportSerializer,
    ReportUploadResultSerializer,
    ReportUploadSerializer,
    RowErrorsSerializer,
)
from tasks.reports.services.bulletin import request_bulletin
from tasks.reports.services.department import (
    departments_in_scope,
    get_report_for,
    reports_visible_to,
    request_department_report,
    require_reviewer,
)
from tasks.reports.services.drafts import form_values, save_draft
from tasks.reports.services.filling import FillErrors, require_filler, upload_report
from tasks.reports.services.ledger import request_ledger
from tasks.reports.services.review import ROWS_PER_PAGE, report_rows
from tasks.reports.services.workflow import approve_report, return_report, submit_report

CONFLICT = {"POST": [409]}
AS_IT_IS_NOW = OpenApiResponse(ReportSerializer, description="The report as it is now.")


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Department reports of the departments in the user's scope, and for office staff and leaders the
    ledgers of their region and below."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    parser_classes = [JSONParser]
    extra_error_statuses: dict[str, list[int]] = {}  # the actions' own, in their @action
    # The workflow's refusals of a report in the wrong status (code "status") are 409, not 400.
    state_error_codes = ("status",)
    service_error_fields = {"reason": "reason", "rows": "rows"}

    def get_queryset(self) -> QuerySet[Report]:
        return (
            reports_visible_to(self.request.user)
            .select_related("department", "region", "requested_by", "submitted_by", "reviewed_by")
            .order_by("-period", "kind", "pk")
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def report(self) -> Report:
        return get_report_for(self.request.user, self.kwargs["pk"])  # 404 out of scope

    def respond(self, report: Report, code: int = status.HTTP_200_OK) -> Response:
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="Reports the user may see, newest period first")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A report: its status and build progress (poll this while it builds)")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Request a build: a department's report, or the office ledger or bulletin of the user's region",
        request=ReportRequestSerializer,
        responses={
            202: OpenApiResponse(
                ReportSerializer,
                description="Queued (built after the request; poll the report). A report already "
                "queued, running, built or handed in is answered as it is, and not built again.",
            )
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = ReportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data, user = form.validated_data, request.user
        if data["kind"] == Report.Kind.DEPARTMENT:
            # As the import's region: a department outside the user's scope is a bad choice, not a path.
            department = departments_in_scope(user).filter(pk=data["department"]).first()
            if department is None:
                raise serializers.ValidationError({"department": [_("No such department.")]})
            report = request_department_report(department, data["period"], user)  # 403 for leaders
        else:
            require_ledger_builder(user)
            if not user.region_id:  # a superuser with no region of their own
                raise NotPermitted(_("Only reform office staff and leaders may build a region's ledger."))
            queue_build = request_bulletin if data["kind"] == Report.Kind.BULLETIN else request_ledger
            report = queue_build(Region.objects.get(pk=user.region_id), user, data["period"])
        return self.respond(report, status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download the report's file: a workbook (.xlsx) — a department report with what was recorded — or the bulletin's Word document (.docx)",
        parameters=[
            OpenApiParameter(
                "blank",
                OpenApiTypes.STR,
                enum=["1"],
                description="1: the blank workbook of the build, without the values recorded since.",
            )
        ],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook, as an attachment."
            ),
            (200, DOCX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The bulletin (通报), as an attachment."
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description="No workbook yet: the report is queued, being built, or its build failed "
                "(`detail` names its status).",
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        content_negotiation_class=FirstRenderer,
        extra_error_statuses={"GET": [409]},
    )
    def download(self, request: Request, pk: int) -> FileResponse:
        report = self.report()
        if not report.file:
            raise InvalidState(
                _("This report has no workbook yet; it is “%(status)s”.")
                % {"status": report.get_status_display()}
            )
        return workbook_response(report, blank=request.query_params.get("blank") == "1")

    @extend_schema(
        summary="The rows recorded through a department report, against the previous period's",
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, description=f"{ROWS_PER_PAGE} rows a page.")],
        responses={200: ReportRowsSerializer},
    )
    @action(detail=True, methods=["get"])
    def rows(self, request: Request, pk: int) -> Response:
        report = self.report()
        if report.kind != Report.Kind.DEPARTMENT:
            raise NotFound(_("Only a department report has rows."))
        page, previous = report_rows(report, request.query_params.get("page") or 1)
        body = {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "previous_report": previous.pk if previous else None,
            "results": page.object_list,
        }
        return Response(ReportRowsSerializer(body).data)

    @extend_schema(
        methods=["GET"],
        summary="The online form's values: the saved draft, else what was recorded through the report",
        responses={200: ReportDraftSerializer},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Save the online form's values as a draft (保存草稿): kept as typed, nothing recorded",
        request=ReportDraftInputSerializer,
        responses={200: ReportDraftSerializer},
    )
    @action(detail=True, methods=["get", "put"], extra_error_statuses={"PUT": [409]})
    def draft(self, request: Request, pk: int) -> Response:
        report = self.report()
        if report.kind != Report.Kind.DEPARTMENT:
            raise NotFound(_("Only a department report has a form."))
        if request.method == "PUT":
            require_filler(request.user, report)  # 403 for leaders and 409 once submitted, before the body
            form = ReportDraftInputSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            rows = {
                task_id: fields
                for key, fields in form.validated_data["rows"].items()
                if (task_id := parse_digits(key)) is not None
            }
            save_draft(report, request.user, rows)
        report = self.get_queryset().select_related("draft_saved_by").get(pk=report.pk)
        values, source = form_values(report)
        body = {
            "source": source,
            "rows": {str(task_id): fields for task_id, fields in values.items()},
            "draft_saved_by": report.draft_saved_by,
            "draft_saved_at": report.draft_saved_at,
        }
        return Response(ReportDraftSerializer(body, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Upload the filled workbook: every row checked, then all recorded, or none",
        request={"multipart/form-data": ReportUploadSerializer},
        responses={
            200: OpenApiResponse(ReportUploadResultSerializer, description="The filled rows recorded."),
            400: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ReportUploadError",
                    serializers=[RowErrorsSerializer, ValidationErrorSerializer],
                    resource_type_field_name=None,
                ),
                description="Nothing was recorded. The workbook's problems (code report_rows): `errors` "
                "lists them by row and column; or no file sent (`errors` by field).",
            ),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], extra_error_statuses=CONFLICT)
    def upload(self, request: Request, pk: int) -> Response:
        report = self.report()
        # 403 for leaders and 409 once submitted, before the body is read.
        require_filler(request.user, report)
        form = ReportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        applied = upload_report(report, request.user, form.validated_data["file"])
        report = self.get_queryset().get(pk=report.pk)
        context = self.get_serializer_context()
        return Response({"applied": applied, "report": ReportSerializer(report, context=context).data})

    @extend_schema(
        summary="Submit (上报) a built or returned department report: a liaison of the department",
        request=None,
        responses={200: AS_IT_IS_NOW},
    )
    @action(detail=True, methods=["post"], extra_error_statuses=CONFLICT)
    def submit(self, request: Request, pk: int) -> Response:
        return self.respond(submit_report(self.report(), request.user))

    @extend_schema(
        summary="Approve a submitted report: office staff in scope",
        request=None,
        responses={200: AS_IT_IS_NOW},
    )
    @action(detail=True, methods=["post"], extra_error_statuses=CONFLICT)
    def approve(self, request: Request, pk: int) -> Response:
        return self.respond(approve_report(self.report(), request.user))

    @extend_schema(
        summary="Return (退回) a submitted report to the department with the reason: office staff",
        request=ReportReturnInputSerializer,
        responses={200: AS_IT_IS_NOW},
    )
    @action(
        detail=True, methods=["post"], url_path="return", url_name="return", extra_error_statuses=CONFLICT
    )
    def return_(self, request: Request, pk: int) -> Response:
        report = self.report()
        require_reviewer(request.user, report)  # 403 before the body is read
        form = ReportReturnInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        rows = [(row["task"], row["reason"]) for row in data["rows"]]
        return self.respond(return_report(report, request.user, reason=data["reason"], rows=rows))


# An upload with errors: nothing recorded, each problem by row and column (400).
@responds_to(FillErrors)
def _fill_errors_response(exc: FillErrors, view: Any) -> Response:
    set_rollback()
    body = {
        "detail": _("Nothing was recorded: the workbook's problems are listed by row and column."),
        "code": "report_rows",
        "errors": [
            {
                "row": error.row if isinstance(error.row, int) else None,
                "column": error.column,
                "message": error.message,
            }
            for error in exc.errors_list
        ],
    }
    return Response(body, status=status.HTTP_400_BAD_REQUEST)
