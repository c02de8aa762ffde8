"""The governance app in the admin, one module per subdomain. Importing the modules registers them."""

from governance.admin import approvals, minimisation, reconciliation, reports  # noqa: F401
from governance.admin.compliance import ComplianceAssessmentAdmin
from governance.admin.regulations import (
    FrameworkVersionAdmin,
    RegulatoryFrameworkAdmin,
    RequirementAdmin,
)

__all__ = ["ComplianceAssessmentAdmin", "FrameworkVersionAdmin", "RegulatoryFrameworkAdmin",
           "RequirementAdmin"]
