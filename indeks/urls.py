"""URL map of the platform: one include per bounded context.

Every view is guarded against forbidden characters in its query string and form (``indeks.web.guard``), and the
error handlers answer problem JSON under /api/ (``indeks.web.errors``).
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from indeks.accounts import views as account_views
from indeks.web import errors
from indeks.web import views as web_views
from indeks.web.guard import guard_urls

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("indeks.accounts.urls")),
    path("rounds/", include("indeks.rounds.urls")),
    path("p/", include("indeks.assessment.urls")),
    path("", include("indeks.planning.urls")),
    path("", include("indeks.evidence.urls")),
    path("notifications/", include("indeks.notifications.urls")),
    path("assess/", include("indeks.external.urls")),
    path("results/", include("indeks.results.urls")),
    path("api/v1/", include("indeks.api.urls")),
    re_path(r"^api(/|$)", errors.api_not_found),
]
guard_urls(urlpatterns)

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
