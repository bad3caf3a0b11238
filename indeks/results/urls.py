from django.urls import path

from indeks.results import views

app_name = "results"
urlpatterns = [
    path("", views.published, name="published"),
    path("<int:round_id>/", views.round_results, name="round"),
]
