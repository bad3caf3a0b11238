from django.urls import path

from indeks.evidence.views import documents, indicator, integrity, library, report

app_name = "evidence"
urlpatterns = [
    path("evidence/agency/<int:agency_id>/", library.library, name="library"),
    path("evidence/agency/<int:agency_id>/upload/", library.upload, name="upload"),
    path("evidence/agency/<int:agency_id>/search/", library.search_page, name="search"),
    path("evidence/agency/<int:agency_id>/evidence.zip", library.agency_zip, name="agency_zip"),
    path("evidence/document/<int:pk>/", documents.document_page, name="document"),
    path("evidence/document/<int:pk>/edit/", documents.edit, name="edit"),
    path("evidence/document/<int:pk>/version/", documents.new_version, name="new_version"),
    path("evidence/document/<int:pk>/delete/", documents.delete, name="delete"),
    path("evidence/version/<int:pk>/download/", documents.download, name="download"),
    path("evidence/p/<int:pk>/report/", report.report, name="report"),
    path("evidence/p/<int:pk>/indicator/<int:number>/add/", indicator.add, name="add"),
    path("evidence/p/<int:pk>/indicator/<int:number>/link/", indicator.link, name="link"),
    path("evidence/p/<int:pk>/indicator/<int:number>/upload/", indicator.upload_and_link, name="indicator_upload"),
    path("evidence/p/<int:pk>/indicator/<int:number>/evidence.zip", indicator.indicator_zip, name="indicator_zip"),
    path("evidence/link/<int:link_id>/unlink/", indicator.unlink, name="unlink"),
    path("evidence/link/<int:link_id>/verify/", indicator.verify, name="verify"),
    path("evidence/integrity/", integrity.integrity, name="integrity"),
]
