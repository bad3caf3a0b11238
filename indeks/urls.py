"""URL map of the platform: one include per bounded context."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from indeks.accounts import views as account_views
from indeks.web import views as web_views

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
]
