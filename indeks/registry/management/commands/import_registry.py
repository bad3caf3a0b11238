from django.core.management.base import BaseCommand

from indeks.registry.services import import_registry


class Command(BaseCommand):
    help = "Create or update the agencies shipped with Indeks (Kemendagri regions, central agencies)."

    def handle(self, *args: object, **options: object) -> None:
        created, updated = import_registry()
        self.stdout.write(f"agencies: {created} created, {updated} updated")
