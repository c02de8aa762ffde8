"""Load the demo data `make run` shows, and print the demo logins."""

from django.db import transaction

from inventory.base.commands import AuditedCommand
from inventory.demo import DEMO_PASSWORD, demo_users_load


class Command(AuditedCommand):
    help = "Create demo users (one per role) and a demo inventory; safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        users = demo_users_load()
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: "
                                             f"{DEMO_PASSWORD}):"))
        for username, role in users:
            self.stdout.write(f"  {username:<8} {role}")
