from django.urls import path

from documents import views

urlpatterns = [
    path("", views.health, name="health-root"),
    path("health/", views.health, name="health"),
    path("documents/", views.create_document, name="document-create"),
    path("documents/<int:document_id>/", views.document_detail, name="document-detail"),
]
