"""The REST API (django-ninja), one router per bounded context; OpenAPI at /api/v1/docs.

Every error is answered as problem details (``indeks.api.errors``), and so is a URL the API does not have.
"""

from django.urls import include, path, re_path
from ninja import NinjaAPI

from indeks.api import errors
from indeks.api.assessment import router as assessment_router
from indeks.web.errors import api_not_found

api = NinjaAPI(title="Indeks API", version="1", urls_namespace="api", parser=errors.ObjectParser())
errors.install(api)
api.add_router("/", assessment_router)

# (Not unpacked into module names: ``app_name`` here would namespace this whole module.)
ninja_urls = api.urls
urlpatterns = [
    path("", include((errors.method_problems(ninja_urls[0]), ninja_urls[1]), namespace=ninja_urls[2])),
    re_path(r"", api_not_found),
]
