"""Load the demo data `make run` shows, and print the demo logins."""

import importlib
import importlib.util

from django.apps import apps
from django.db import transaction

from core.commands import AuditedCommand
from core.demo import DEMO_PASSWORD, DEMO_USERS, demo_users_load


class Command(AuditedCommand):
    help = "Create demo users (one per role) and each app's demo data; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--logins-only", action="store_true",
                            help="Only print the demo logins; write nothing.")

    @transaction.atomic
    def handle(self, *args, logins_only: bool = False, **options):
        users = [(name, role) for name, _, role in DEMO_USERS] if logins_only else demo_users_load()
        if not logins_only:
            created = _apps_demo()
            if any(created.values()):
                self.stdout.write("Demo data: " + ", ".join(
                    f"{count} {what}" for what, count in created.items()) + " created.")
        self.stdout.write(self.style.SUCCESS("Demo logins (password for all: "
                                             f"{DEMO_PASSWORD}):"))
        for username, role in users:
            self.stdout.write(f"  {username:<8} {role}")


def _apps_demo() -> dict[str, int]:
    """Each installed app's `<app>.demo.demo_load()`, in the order of INSTALLED_APPS (an app's
    demo builds on those below it), so the core names none of them."""
    created: dict[str, int] = {}
    for config in apps.get_app_configs():
        if config.name == "core" or importlib.util.find_spec(f"{config.name}.demo") is None:
            continue
        loader = getattr(importlib.import_module(f"{config.name}.demo"), "demo_load", None)
        if loader is not None:
            created.update(loader())
    return created
