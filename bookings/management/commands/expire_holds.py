"""python manage.py expire_holds: end holds past their date; safe to run from cron."""

from django.core.management.base import BaseCommand

from bookings.services import holds_expire


class Command(BaseCommand):
    help = "Expire option holds kept until before today and move the next options up."

    def handle(self, *args, **options) -> None:
        ended = holds_expire()
        self.stdout.write(f"{ended} hold(s) ended")
