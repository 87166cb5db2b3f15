from django.urls import path

from tasks import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/export.xlsx", views.task_export, name="task_export"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("documents/import/", views.import_upload, name="document_import"),
    path("documents/import/<int:pk>/", views.import_review, name="document_import_review"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
]
