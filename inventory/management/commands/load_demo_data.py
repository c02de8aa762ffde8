"""Load the demo data `make run` shows, and print the demo logins."""

from django.db import transaction

from inventory.base.commands import AuditedCommand
from inventory.demo import DEMO_PASSWORD, DEMO_USERS, demo_catalogue_load, demo_users_load


class Command(AuditedCommand):
    help = "Create demo users (one per role) and a demo inventory; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--logins-only", action="store_true",
                            help="Only print the demo logins; write nothing.")

    @transaction.atomic
    def handle(self, *args, logins_only: bool = False, **options):
        users = [(name, role) for name, _, role in DEMO_USERS] if logins_only else demo_users_load()
        if not logins_only:
            created = demo_catalogue_load()
            if any(created.values()):
                self.stdout.write("Demo catalogue: " + ", ".join(
                    f"{count} {what}" for what, count in created.items()) + " created.")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: "
                                             f"{DEMO_PASSWORD}):"))
        for username, role in users:
            self.stdout.write(f"  {username:<8} {role}")
