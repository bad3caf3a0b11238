from django.core.management.base import BaseCommand

from indeks.notifications.services import announce_stage_changes


class Command(BaseCommand):
    help = "Notify agencies of stage windows that opened or closed since the last run (run it from cron)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{announce_stage_changes()} notifications sent")
