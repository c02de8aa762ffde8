"""Roles are Django groups; what each may do is declared in code and synced on every migrate.

Apps add their models' permissions with `grant_to_roles(...)` (and, for the platform admin,
`grant_app_to_platform_admin(...)`) from their `roles` module, imported by `apps.ready()`, so
a new model's permissions reach the roles without a hand-written data migration. The sync
only adds: a permission an administrator removed in the admin comes back on the next
migrate only if it is still declared.
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
PLATFORM_ADMIN_APPS = {"core", "django_celery_beat", "authtoken"}


def grant_app_to_platform_admin(app_label: str) -> None:
    """Give the platform admin every permission of `app_label`."""
    PLATFORM_ADMIN_APPS.add(app_label)


def grant_to_roles(roles: tuple[str, ...] | list[str], permissions: list[str]) -> None:
    """Declare that each of `roles` holds each of `permissions` (`app_label.codename`)."""
    for role in roles:
        ROLE_PERMISSIONS[role].update(permissions)


grant_to_roles(Role.ALL, ["core.view_jobrun"])
grant_to_roles((Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER),
               ["core.view_accessevent", "core.view_permissiondenial"])
# Compliance officers restrict access with explicit denials (and lift them).
grant_to_roles((Role.COMPLIANCE_OFFICER,), ["core.add_permissiondenial",
                                            "core.delete_permissiondenial"])
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
