"""Base for management commands: history written by a command names it as the actor."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.audit import audit_context


class AuditedCommand(BaseCommand):
    """Runs `handle` inside an audit context labelled `command:<name>`."""

    def execute(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        with audit_context(label=f"command:{name}", reason=f"manage.py {name}"):
            return super().execute(*args, **options)
