"""What each role may do in the inventory (imported by `InventoryConfig.ready()`).

Every role reads the catalogue and its registration rules (other teams' confidential assets
stay hidden by `Asset.restrict_visibility`); data scientists register assets and versions
and change/delete what they registered through object grants given by
`inventory.services.catalogue`; model owners also change any visible asset's metadata,
request promotion and deprecate; validators and CAB members promote; compliance officers
keep the compliance tags (vocabulary and per model), risk officers set risk tiers; auditors
only read; platform admins hold every inventory permission.
"""

from core.roles import Role, grant_app_to_platform_admin, grant_to_roles

grant_app_to_platform_admin("inventory")

# --------------------------------------------------------------------------------------
# Catalogue. What each role may do with models, versions, datasets, features and
# pipelines; object-level grants made by `inventory.services.catalogue` come on top:
# - everyone with a role reads the whole catalogue (minus other teams' confidential assets,
#   hidden by `Asset.restrict_visibility`) and the registration rules, which are public so
#   that people know what a registration needs;
# - data scientists register assets and versions; they change and delete only what they
#   registered (or own), through the object grants the services give them;
# - model owners also change any visible asset's metadata, request promotion and deprecate;
# - validators and CAB members promote;
# - compliance officers keep the controlled compliance tags (the vocabulary and each
#   model's tags); risk officers set risk tiers;
# - auditors only read; platform admins hold every inventory permission (below).
# --------------------------------------------------------------------------------------
CATALOGUE_MODELS = ("mlmodel", "modelversion", "dataset", "datasetversion", "feature", "pipeline",
                    "modelbranch", "modelalias")
CATALOGUE_VIEW = [f"inventory.view_{name}" for name in (
    *CATALOGUE_MODELS, "aliasmove", "team", "compliancetag", "metadatastandard",
    "namingconvention",
    "inventoryscope", "accountingpolicyrule")]
grant_to_roles(Role.ALL, CATALOGUE_VIEW)
grant_to_roles((Role.DATA_SCIENTIST, Role.MODEL_OWNER),
               [f"inventory.add_{name}" for name in CATALOGUE_MODELS])
grant_to_roles((Role.MODEL_OWNER,), [
    *[f"inventory.change_{name}" for name in CATALOGUE_MODELS],
    "inventory.request_promotion_mlmodel", "inventory.deprecate_mlmodel",
])
grant_to_roles((Role.VALIDATOR, Role.CAB_MEMBER), ["inventory.promote_mlmodel"])
grant_to_roles((Role.COMPLIANCE_OFFICER,), [
    "inventory.set_compliance_tags_mlmodel", "inventory.add_compliancetag",
    "inventory.change_compliancetag",
])
grant_to_roles((Role.RISK_OFFICER,), ["inventory.set_risk_tier_mlmodel"])
# Periodic reviews are recorded by the second line: validators, risk and compliance officers.
grant_to_roles((Role.VALIDATOR, Role.RISK_OFFICER, Role.COMPLIANCE_OFFICER),
               ["inventory.review_mlmodel"])

# --------------------------------------------------------------------------------------
# Lifecycle, retention, CI/CD. Everyone reads deployments, metrics,
# deprecation plans and notices; reporting deployments and metrics is a right on the model
# (its team's members, or `report_*_mlmodel` grants: `inventory.services.deployments`), not a
# role's; model owners plan deprecations; compliance officers own
# retention policies, legal holds and decay rules; auditors, compliance and risk read the
# purge evidence. Webhooks (their secrets) are the platform admins' alone.
# --------------------------------------------------------------------------------------
grant_to_roles(Role.ALL, [f"inventory.view_{name}" for name in (
    "deployment", "metricobservation", "deprecationschedule", "deprecationnotice",
    "deprecationrule")])
grant_to_roles((Role.MODEL_OWNER,), [
    "inventory.add_deprecationschedule", "inventory.change_deprecationschedule"])
grant_to_roles((Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER), [
    "inventory.view_retentionpolicy", "inventory.view_legalhold", "inventory.view_purgerecord"])
grant_to_roles((Role.COMPLIANCE_OFFICER,), [
    *[f"inventory.{action}_{name}" for action in ("add", "change", "delete")
      for name in ("retentionpolicy", "legalhold", "deprecationrule")]])
