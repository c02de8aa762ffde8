"""Verify the hash-chained audit log end to end; exit status 1 names the first broken entry."""

from django.core.management.base import CommandError
from django.utils import timezone

from core.commands import AuditedCommand
from core.services.audit_chain import (
    audit_chain_verify,
    audit_checkpoint_create,
    audit_verification_record,
)


class Command(AuditedCommand):
    help = ("Recompute every entry's hashes in order, check each signed checkpoint and the "
            "chain's head, and report the first entry that was altered, removed, reordered "
            "or inserted (exit status 1 when the chain is broken).")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true",
                            help="Sign a checkpoint of the chain's head when it verifies.")
        parser.add_argument("--chunk-size", type=int, default=5000,
                            help="Entries read per query (memory stays flat).")
        parser.add_argument("--no-record", action="store_true",
                            help="Do not store the outcome (the dashboards show stored ones).")

    def handle(self, *args, checkpoint: bool = False, chunk_size: int = 5000,
               no_record: bool = False, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        started = timezone.now()
        report = audit_chain_verify(chunk_size=chunk_size)
        if not no_record:
            audit_verification_record(report=report, started_at=started)
        if not report.intact:
            raise CommandError(f"Audit chain BROKEN at entry #{report.broken_seq}: "
                               f"{report.problem}", returncode=1)
        signed = audit_checkpoint_create() if checkpoint else None
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {report.entries_checked} entries checked through "
            f"#{report.last_seq}, latest checkpoint #{report.checkpoint_seq or '—'} "
            f"({seconds:.1f} s)."))
        if signed is not None:
            self.stdout.write(f"Signed a checkpoint at entry #{signed.seq}.")
