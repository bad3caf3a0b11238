from django.core.management.base import BaseCommand

from indeks.demo.builder import PASSWORD, build_demo
from indeks.rounds.models import Round


class Command(BaseCommand):
    help = "Load the demo rounds, agencies, units and accounts (once), and print the demo accounts."

    def handle(self, *args: object, **options: object) -> None:
        if Round.objects.filter(name__startswith="Evaluasi SPBE").exists():
            self.stdout.write("The demo is already loaded.")
        else:
            build_demo()
            self.stdout.write(self.style.SUCCESS("Demo loaded."))
        from indeks.demo.builder import FEATURED, accounts_for

        self.stdout.write(f"\nDemo accounts (password for all: {PASSWORD}):")
        for username, role, agency in accounts_for(FEATURED):
            self.stdout.write(f"  {username:<28} {role:<45} {agency}")
