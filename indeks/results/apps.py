from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "indeks.results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from indeks.results.selectors import is_published, published_levels
        from indeks.rounds import publication

        publication.register(levels=published_levels, is_published=is_published)
