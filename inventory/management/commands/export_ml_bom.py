"""Write the CycloneDX 1.6 ML-BOM of one model version, or of the whole inventory."""

import json

from django.core.management.base import CommandError

from core.choices import AccessAction
from core.commands import AuditedCommand
from core.services.audit import access_event_record
from inventory.choices import ModelStage
from inventory.selectors.mlbom import ml_bom, ml_bom_problems, ml_bom_versions


class Command(AuditedCommand):
    help = ("Print (or write to --output) the CycloneDX 1.6 ML-BOM of a model version "
            "(--model-version ID) or of every version (optionally --stage production), checked "
            "against the CycloneDX schema.")

    def add_arguments(self, parser):
        parser.add_argument("--model-version", type=int, dest="version_id",
                            help="Id of one model version; default: the whole inventory.")
        parser.add_argument("--stage", action="append", choices=ModelStage.values, default=[],
                            help="Only versions in this stage (repeatable).")
        parser.add_argument("--output", help="File to write; default: standard output.")

    def handle(self, *args, version_id=None, stage=(), output=None, **options):
        versions = ml_bom_versions()
        if version_id is not None:
            versions = versions.filter(pk=version_id)
        if stage:
            versions = versions.filter(stage__in=stage)
        versions = list(versions)
        if version_id is not None and not versions:
            raise CommandError(f"No model version with id {version_id}"
                               + (f" in stage {', '.join(stage)}." if stage else "."))
        subject = str(versions[0]) if version_id is not None else "inventory"
        document = ml_bom(versions, subject=subject)
        if problems := ml_bom_problems(document):
            raise CommandError("The ML-BOM breaks the CycloneDX 1.6 schema: " + "; ".join(problems))
        text = json.dumps(document, indent=2)
        access_event_record(action=AccessAction.EXPORT, obj=versions[0] if version_id else None,
                            query=f"ML-BOM (CycloneDX 1.6) by manage.py: {subject}",
                            result_count=len(versions))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"Wrote the ML-BOM of {len(versions)} model version(s) to {output}.")
        else:
            self.stdout.write(text)
