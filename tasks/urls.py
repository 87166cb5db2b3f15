from django.urls import path

from tasks import views

urlpatterns = [
    path("", views.home, name="home"),
    path("documents/import/", views.import_upload, name="document_import"),
    path("documents/import/<int:pk>/", views.import_review, name="document_import_review"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
]
