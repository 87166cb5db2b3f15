from django.urls import path

from tasks import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/export.xlsx", views.task_export, name="task_export"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:pk>/completion/", views.task_completion, name="task_completion"),
    path("tasks/<int:pk>/verify/", views.task_verify, name="task_verify"),
    path("tasks/<int:pk>/return/", views.task_return, name="task_return"),
    path("tasks/<int:pk>/extension/", views.task_extension, name="task_extension"),
    path("tasks/<int:pk>/remind/", views.task_remind, name="task_remind"),
    path("extensions/<int:pk>/decide/", views.task_decide_extension, name="extension_decide"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("documents/import/", views.import_upload, name="document_import"),
    path("documents/import/<int:pk>/", views.import_review, name="document_import_review"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/unread/", views.notifications_unread, name="notifications_unread"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
