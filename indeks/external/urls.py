from django.urls import path

from indeks.external.views import admin, agency, assessor, review

app_name = "external"
urlpatterns = [
    path("", assessor.queue, name="queue"),
    path("p/<int:pk>/notes/", assessor.notes, name="notes"),
    path("p/<int:pk>/<slug:stage>/", assessor.worklist, name="worklist"),
    path("p/<int:pk>/<slug:stage>/<int:number>/", assessor.score_page, name="score"),
    path("agency/<int:pk>/clarifications/", agency.agency_clarifications, name="agency_clarifications"),
    path("agency/<int:pk>/indicator/<int:number>/", agency.stages_view, name="stages"),
    path("review/", review.review_list, name="review_list"),
    path("review/<int:pk>/", review.review_agency, name="review_agency"),
    path("rounds/<int:round_id>/assessors/", admin.assessors, name="assessors"),
]
