"""The governance app in the admin, one module per subdomain. Importing the modules registers them."""

from governance.admin import approvals, minimisation, reconciliation, reports  # noqa: F401  # noqa: F401
