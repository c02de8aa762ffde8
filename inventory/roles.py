"""Roles are Django groups; what each may do is declared here and synced on every migrate.

Apps add their models' permissions with `grant_to_roles(...)` in their `apps.ready()`, so a
new model's permissions reach the roles without a hand-written data migration. The sync
only adds: a permission an administrator removed in the admin comes back on the next
migrate only if it is still declared here.

Catalogue (issue 3), declared below: every role reads the catalogue and its registration
rules (other teams' confidential assets stay hidden by `Asset.restrict_visibility`); data
scientists register assets and versions and change/delete what they registered through
object grants given by `inventory.services.catalogue`; model owners also change any visible
asset's metadata, request promotion and deprecate; validators and CAB members promote;
compliance officers keep the compliance tags (vocabulary and per model), risk officers set
risk tiers; auditors only read; platform admins hold every inventory permission.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models.signals import post_migrate


class Role:
    DATA_SCIENTIST = "Data scientist"
    MODEL_OWNER = "Model owner"
    VALIDATOR = "Validator"
    COMPLIANCE_OFFICER = "Compliance officer"
    RISK_OFFICER = "Risk officer"
    AUDITOR = "Auditor"
    CAB_MEMBER = "CAB member"
    PLATFORM_ADMIN = "Platform admin"

    ALL = (DATA_SCIENTIST, MODEL_OWNER, VALIDATOR, COMPLIANCE_OFFICER, RISK_OFFICER,
           AUDITOR, CAB_MEMBER, PLATFORM_ADMIN)
    # Roles that work in the Django admin.
    STAFF = (DATA_SCIENTIST, MODEL_OWNER, PLATFORM_ADMIN)


ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)
# App labels whose every permission the platform admin holds.
PLATFORM_ADMIN_APPS = {"inventory", "lineage", "governance", "risk", "django_celery_beat",
                       "authtoken"}


def grant_to_roles(roles: tuple[str, ...] | list[str], permissions: list[str]) -> None:
    """Declare that each of `roles` holds each of `permissions` (`app_label.codename`)."""
    for role in roles:
        ROLE_PERMISSIONS[role].update(permissions)


grant_to_roles(Role.ALL, ["inventory.view_jobrun"])
grant_to_roles(
    (Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER),
    ["inventory.view_accessevent"],
)
# --------------------------------------------------------------------------------------
# Catalogue (issue 3). What each role may do with models, versions, datasets, features and
# pipelines; object-level grants made by `inventory.services.catalogue` come on top:
# - everyone with a role reads the whole catalogue (minus other teams' confidential assets,
#   hidden by `Asset.restrict_visibility`) and the registration rules, which are public so
#   that people know what a registration needs;
# - data scientists register assets and versions; they change and delete only what they
#   registered (or own), through the object grants the services give them;
# - model owners also change any visible asset's metadata, request promotion and deprecate;
# - validators and CAB members promote (the approval workflow decides when);
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
grant_to_roles((Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER),
               ["inventory.view_permissiondenial"])

# --------------------------------------------------------------------------------------
# Lifecycle, retention, CI/CD (issue 4, items 6-9). Everyone reads deployments, metrics,
# deprecation plans and notices; pipelines (data scientists' or model owners' tokens)
# report deployments and metrics; model owners plan deprecations; compliance officers own
# retention policies, legal holds and decay rules; auditors, compliance and risk read the
# purge evidence. Webhooks (their secrets) are the platform admins' alone.
# --------------------------------------------------------------------------------------
grant_to_roles(Role.ALL, [f"inventory.view_{name}" for name in (
    "deployment", "metricobservation", "deprecationschedule", "deprecationnotice",
    "deprecationrule")])
grant_to_roles((Role.DATA_SCIENTIST, Role.MODEL_OWNER), [
    "inventory.add_deployment", "inventory.change_deployment",
    "inventory.add_metricobservation"])
grant_to_roles((Role.MODEL_OWNER,), [
    "inventory.add_deprecationschedule", "inventory.change_deprecationschedule"])
grant_to_roles((Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER), [
    "inventory.view_retentionpolicy", "inventory.view_legalhold", "inventory.view_purgerecord"])
grant_to_roles((Role.COMPLIANCE_OFFICER,), [
    *[f"inventory.{action}_{name}" for action in ("add", "change", "delete")
      for name in ("retentionpolicy", "legalhold", "deprecationrule")]])

grant_to_roles((Role.PLATFORM_ADMIN,), [
    "auth.view_user", "auth.add_user", "auth.change_user",
    "auth.view_group", "auth.change_group",
])


def sync_roles(apps=None) -> None:
    """Create the role groups and give them their declared permissions (idempotent)."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in Role.ALL:
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = set(ROLE_PERMISSIONS.get(role, ()))
        perms = list(_resolve(permission_model, wanted))
        if role == Role.PLATFORM_ADMIN:
            perms += list(permission_model.objects.filter(
                content_type__app_label__in=PLATFORM_ADMIN_APPS))
        group.permissions.add(*perms)


def _resolve(permission_model, names: set[str]):
    by_app: dict[str, list[str]] = defaultdict(list)
    for name in names:
        app_label, codename = name.split(".", 1)
        by_app[app_label].append(codename)
    for app_label, codenames in by_app.items():
        yield from permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=codenames)


def _sync_after_migrate(sender, app_config=None, **kwargs) -> None:
    # Run once, after the last app with models has migrated and created its permissions.
    from django.apps import apps

    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if app_config is not None and app_config.label == last.label:
        sync_roles()


def connect() -> None:
    post_migrate.connect(_sync_after_migrate, dispatch_uid="custodia-sync-roles")
