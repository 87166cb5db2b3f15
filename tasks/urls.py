"""The portal's pages, each feature's views under its own prefix of the site."""

from django.urls import path

from tasks.dashboard import views as dashboard
from tasks.imports import views as imports
from tasks.instructions import views as instructions
from tasks.ledger.views import (
    actions,
    documents,
    edit,
    evidence,
    export,
    home,
    my_tasks,
    task_detail,
    task_list,
)
from tasks.reminders import views as reminders
from tasks.reports.views import fill as report_fill
from tasks.reports.views import lists as report_lists
from tasks.reports.views import report

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("tasks/", task_list.task_list, name="task_list"),
    path("tasks/export.xlsx", export.task_export, name="task_export"),
    path("tasks/mine/", my_tasks.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", task_detail.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", edit.task_edit, name="task_edit"),
    path("tasks/<int:pk>/progress/", actions.task_progress, name="task_progress"),
    path("tasks/<int:pk>/completion/", actions.task_completion, name="task_completion"),
    path("tasks/<int:pk>/verify/", actions.task_verify, name="task_verify"),
    path("tasks/<int:pk>/return/", actions.task_return, name="task_return"),
    path("tasks/<int:pk>/extension/", actions.task_extension, name="task_extension"),
    path("tasks/<int:pk>/remind/", actions.task_remind, name="task_remind"),
    path("tasks/<int:pk>/instructions/", instructions.task_instruct, name="task_instruct"),
    path("instructions/<int:pk>/", instructions.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/reply/", instructions.instruction_reply, name="instruction_reply"),
    path("instructions/department/<int:pk>/", instructions.department_overdue, name="instruction_department"),
    path(
        "instructions/replies/<int:pk>/evidence/",
        instructions.reply_evidence,
        name="instruction_reply_evidence",
    ),
    path("extensions/<int:pk>/decide/", actions.task_decide_extension, name="extension_decide"),
    path("evidence/<int:pk>/download/", evidence.evidence_download, name="evidence_download"),
    path("documents/import/", imports.import_upload, name="document_import"),
    path("documents/import/<int:pk>/", imports.import_review, name="document_import_review"),
    path("documents/<int:pk>/", documents.document_detail, name="document_detail"),
    path("reports/", report_lists.report_list, name="report_list"),
    path("reports/build/", report_lists.report_build, name="report_build"),
    path("reports/ledger/", report_lists.ledger_build, name="ledger_build"),
    path("reports/late/", report_lists.late_reports, name="late_reports"),
    path("reports/<int:pk>/", report.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", report.report_progress, name="report_progress"),
    path("reports/<int:pk>/download/", report.report_download, name="report_download"),
    path("reports/<int:pk>/fill/", report_fill.report_fill, name="report_fill"),
    path("reports/<int:pk>/upload/", report.report_upload, name="report_upload"),
    path("reports/<int:pk>/submit/", report.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", report.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", report.report_return, name="report_return"),
    path("notifications/", reminders.notifications, name="notifications"),
    path("notifications/unread/", reminders.notifications_unread, name="notifications_unread"),
    path("notifications/read/", reminders.notifications_read, name="notifications_read"),
]
