from django.urls import path

from indeks.results.views import agency, finalisation, published

app_name = "results"
urlpatterns = [
    path("", published.published, name="published"),
    path("<int:round_id>/", published.round_results, name="round"),
    path("agency/<int:pk>/", agency.agency_result, name="agency"),
    path("rounds/<int:round_id>/finalisation/", finalisation.finalisation, name="finalisation"),
]
