"""The monitoring app in the admin, one module per subdomain. Importing the modules registers them."""

from monitoring.admin import costs, fleet, health  # noqa: F401
from monitoring.admin.alerts import MetricThresholdAdmin, PriorityWeightsAdmin, RetrainingAlertAdmin
from monitoring.admin.metrics import MetricBatchAdmin, MetricRollupAdmin

__all__ = ["MetricBatchAdmin", "MetricRollupAdmin", "MetricThresholdAdmin",
           "PriorityWeightsAdmin", "RetrainingAlertAdmin"]
