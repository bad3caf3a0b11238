"""The REST API (django-ninja), one router per bounded context; OpenAPI at /api/v1/docs."""

from django.urls import path
from ninja import NinjaAPI

from indeks.api.assessment import router as assessment_router

api = NinjaAPI(title="Indeks API", version="1", urls_namespace="api")
api.add_router("/", assessment_router)

urlpatterns = [path("", api.urls)]
