"""Load the shipped regulatory frameworks (idempotent: only what is missing is added)."""

from pathlib import Path

from core.commands import AuditedCommand
from governance.services.regulations import REGULATIONS_DIR, regulations_load


class Command(AuditedCommand):
    help = ("Create the shipped frameworks (GDPR, CCPA, HIPAA, SOX, EU AI Act, NIST AI RMF, "
            "SR 11-7, SR 26-2), their versions and requirements where missing. Existing "
            "records, including edits made in the admin, are kept.")

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=REGULATIONS_DIR,
                            help="Folder of framework JSON files (default: the shipped ones).")

    def handle(self, *args, directory: Path, **options):
        created = regulations_load(directory=directory)
        self.stdout.write(", ".join(f"{count} {kind} created" for kind, count in created.items()))
