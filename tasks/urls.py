"""The portal's pages, each feature's views under its own prefix of the site."""

from django.urls import path

from tasks.dashboard import views as dashboard
from tasks.imports import views as imports
from tasks.inbox import views as inbox
from tasks.instructions import views as instructions
from tasks.ledger.views import (
    actions,
    documents,
    edit,
    evidence,
    export,
    extensions,
    home,
    my_tasks,
    task_detail,
    task_list,
)
from tasks.notices import views as notices
from tasks.periods import views as periods
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
    path("extensions/", extensions.extension_list, name="extension_list"),
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
    path("documents/<int:pk>/original/", documents.document_original, name="document_original"),
    path("reports/", report_lists.report_list, name="report_list"),
    path("reports/build/", report_lists.report_build, name="report_build"),
    path("reports/build-all/", report_lists.report_build_all, name="report_build_all"),
    path("reports/batches/<int:pk>/progress/", report_lists.batch_progress, name="report_batch_progress"),
    path("reports/ledger/", report_lists.ledger_build, name="ledger_build"),
    path("reports/bulletin/", report_lists.bulletin_build, name="bulletin_build"),
    path("reports/late/", report_lists.late_reports, name="late_reports"),
    path("periods/", periods.period_list, name="period_list"),
    path("periods/close/", periods.period_close, name="period_close"),
    path("periods/<int:pk>/", periods.period_detail, name="period_detail"),
    path("periods/<int:pk>/progress/", periods.period_progress, name="period_progress"),
    path("reports/<int:pk>/", report.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", report.report_progress, name="report_progress"),
    path("reports/<int:pk>/download/", report.report_download, name="report_download"),
    path("reports/<int:pk>/fill/", report_fill.report_fill, name="report_fill"),
    path("reports/<int:pk>/upload/", report.report_upload, name="report_upload"),
    path("reports/<int:pk>/submit/", report.report_submit, name="report_submit"),
    path("reports/<int:pk>/approve/", report.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", report.report_return, name="report_return"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/badge/", inbox.inbox_badge, name="inbox_badge"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/unread/", inbox.notifications_unread, name="notifications_unread"),
    path("notifications/read/", inbox.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", inbox.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", inbox.notification_read, name="notification_read"),
    path("deliveries/failed/", inbox.deliveries_failed, name="deliveries_failed"),
    path("deliveries/<int:pk>/", inbox.delivery_action, name="delivery_action"),
    path("notices/robots/", notices.robot_list, name="robot_list"),
    path("notices/contacts/", notices.contacts, name="contacts"),
    path("notices/robots/add/", notices.robot_add, name="robot_add"),
    path("notices/robots/<int:pk>/", notices.robot_edit, name="robot_edit"),
    path("notices/robots/<int:pk>/delete/", notices.robot_delete, name="robot_delete"),
    path("notices/robots/<int:pk>/test/", notices.robot_test, name="robot_test"),
]
