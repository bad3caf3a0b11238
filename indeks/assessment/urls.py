from django.urls import path

from indeks.assessment.views import coordination, dashboard, indicator, submission

app_name = "assessment"
urlpatterns = [
    path("<int:pk>/", dashboard.dashboard, name="dashboard"),
    path("<int:pk>/indicator/<int:number>/", indicator.indicator_page, name="indicator"),
    path("<int:pk>/indicator/<int:number>/<slug:action>/", indicator.indicator_action, name="indicator_action"),
    path("<int:pk>/assignments/", coordination.assignments, name="assignments"),
    path("<int:pk>/general/", coordination.general, name="general"),
    path("<int:pk>/prefill/", coordination.prefill, name="prefill"),
    path("<int:pk>/submission/", submission.submission, name="submission"),
    path("<int:pk>/submission/<slug:action>/", submission.submission_action, name="submission_action"),
    path("<int:pk>/documents/<slug:kind>.pdf", submission.document_pdf, name="document_pdf"),
    path("<int:pk>/signed/<slug:kind>/", submission.signed_download, name="signed_download"),
]
