"""Recompute every model's compliance status now, in this process."""

from core.commands import AuditedCommand
from governance.services.compliance import compliance_recompute


class Command(AuditedCommand):
    help = ("Recompute the compliance status of every model against every framework in "
            "force (only changed outcomes are written; safe to run at any time).")

    def handle(self, *args, **options):
        summary = compliance_recompute(trigger="manage.py recompute_compliance")
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in summary.items()))
