"""Default degradation thresholds per risk tier, and the default priority weights.

Starting points a risk officer edits in the admin; only rows that do not exist yet are
created, so what was configured is never overwritten. Higher tiers tolerate less: a
critical model alerts at a smaller drop from its own baseline and reaches the
deprecation notice sooner (SR 11-7 expects closer monitoring of material models).
"""

from django.db import migrations

# (metric, direction, {tier: (limit, baseline tolerance, days before the decay trigger)})
DEFAULTS = [
    ("auc", "below", {"low": (0.60, 0.15, 30), "medium": (0.65, 0.10, 21),
                      "high": (0.70, 0.05, 14), "critical": (0.75, 0.03, 7)}),
    ("psi", "above", {"low": (0.30, None, None), "medium": (0.25, None, None),
                      "high": (0.20, None, 30), "critical": (0.20, None, 14)}),
    ("error_rate", "above", {"low": (0.10, None, None), "medium": (0.05, None, None),
                             "high": (0.02, 1.0, None), "critical": (0.01, 0.5, None)}),
]


def create_defaults(apps, schema_editor):
    threshold = apps.get_model("monitoring", "MetricThreshold")
    weights = apps.get_model("monitoring", "PriorityWeights")
    for metric, direction, tiers in DEFAULTS:
        for tier, (limit, tolerance, decay_days) in tiers.items():
            threshold.objects.get_or_create(
                model=None, risk_tier=tier, metric=metric,
                defaults={"direction": direction, "limit": limit,
                          "baseline_tolerance": tolerance, "decay_after_days": decay_days})
    weights.objects.get_or_create(name="default")


def remove_defaults(apps, schema_editor):
    """Nothing to undo: the rows may have been edited since."""


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_metric_rollups_thresholds_alerts_priority"),
    ]

    operations = [
        migrations.RunPython(create_defaults, remove_defaults, elidable=False),
    ]
