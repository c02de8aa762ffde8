"""Default registration rules: metadata standards, naming conventions, scopes, accounting.

Every value is a starting point an administrator edits in the admin; this migration only
creates rows that do not exist yet, so it never overwrites what was configured.
The model standard follows the catalogue's registration rules (purpose, owner, team, training date, input schema,
evaluation metrics, training environment, inference requirements); high and critical
tiers also need an output schema and a steward (SR 11-7 expects a named person who
looks after a material model day to day).
"""

from decimal import Decimal

from django.db import migrations

MODEL_FIELDS = ["purpose", "owner", "team", "training_date", "input_schema",
                "evaluation_metrics", "training_environment", "inference_requirements"]
VERSION_FIELDS = ["artifact_uri", "artifact_sha256", "training_date", "input_schema",
                  "evaluation_metrics", "training_environment", "inference_requirements"]
STANDARDS = [
    ("mlmodel", "", MODEL_FIELDS),
    ("mlmodel", "high", ["output_schema", "steward"]),
    ("mlmodel", "critical", ["output_schema", "steward", "description", "domain"]),
    ("modelversion", "", VERSION_FIELDS),
    ("modelversion", "high", ["output_schema", "code_commit"]),
    ("modelversion", "critical", ["output_schema", "code_commit", "code_repository"]),
    ("dataset", "", ["purpose", "owner", "team"]),
    ("feature", "", ["purpose", "owner", "team"]),
    ("pipeline", "", ["purpose", "owner", "team", "repository_url"]),
]
PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+){2,}$"
DESCRIPTION = ("lowercase domain-purpose-variant, words of letters and digits joined by hyphens, "
               "at least three words")
RESERVED = ["test", "tmp", "temp", "copy", "final", "new", "latest", "untitled"]
CONVENTIONS = [
    ("mlmodel", "credit-default-xgb"),
    ("dataset", "credit-applications-raw"),
    ("feature", "credit-debt-ratio"),
    ("pipeline", "credit-scoring-training"),
]
SCOPES = [
    ("mlmodel", ["model", "data", "features", "pipeline_code"],
     "Models: the artefact, the data and features it was trained on, the training code."),
    ("modelversion", ["model", "data", "features", "pipeline_code"], "Versions: as their model."),
    ("dataset", ["data"], "Datasets: their versions' bytes (held or referenced)."),
    ("feature", ["features", "data"], "Features: the definition and the data they come from."),
    ("pipeline", ["pipeline_code", "data"], "Pipelines: their code and the data they move."),
]
RULES = [
    (10, "Third-party models", "vendor", "", None, None, "expensed",
     "A vendor's model is used under a licence or subscription; the fees are an expense "
     "(IAS 38: no control over the supplier's asset)."),
    (20, "Open-weights models", "open_weights", "", None, None, "expensed",
     "Open-weights models are not owned; adapting them is expensed unless a specific rule "
     "capitalises the work."),
    (30, "Research", "internal", "research", None, None, "expensed",
     "Research-phase expenditure is expensed when incurred (IAS 38.54)."),
    (40, "Capitalised development", "internal", "", Decimal("100000.00"), None,
     "intellectual_property",
     "An internally developed model in use, with development cost at or above the "
     "capitalisation threshold (100 000 EUR), is recognised as an intangible asset "
     "(IAS 38.57)."),
    (90, "Internal models below the threshold", "internal", "", None, None, "digital_inventory",
     "An internally built model below the capitalisation threshold is tracked as digital "
     "inventory; its cost is expensed."),
]


def create_defaults(apps, schema_editor):
    standard = apps.get_model("inventory", "MetadataStandard")
    convention = apps.get_model("inventory", "NamingConvention")
    scope = apps.get_model("inventory", "InventoryScope")
    rule = apps.get_model("inventory", "AccountingPolicyRule")
    for asset_type, tier, fields in STANDARDS:
        standard.objects.get_or_create(asset_type=asset_type, risk_tier=tier,
                                       defaults={"required_fields": fields})
    for asset_type, example in CONVENTIONS:
        convention.objects.get_or_create(asset_type=asset_type, defaults={
            "pattern": PATTERN, "description": DESCRIPTION, "example": example,
            "reserved_words": RESERVED})
    for asset_type, artefacts, description in SCOPES:
        scope.objects.get_or_create(asset_type=asset_type, defaults={
            "tracked_artefacts": artefacts, "description": description})
    if not rule.objects.exists():
        for priority, name, origin, purpose, min_cost, max_cost, classification, rationale in RULES:
            rule.objects.create(priority=priority, name=name, origin=origin,
                                purpose_category=purpose, min_cost=min_cost, max_cost=max_cost,
                                classification=classification, rationale=rationale)


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0005_catalogue_permissions_and_denial_author"),
    ]

    operations = [
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
