"""One place that decides who may do what: role (global) permissions plus guardian grants.

`restrict_queryset` backs every list (API, dashboards, admin, exports); `user_can` backs
every single-object decision. Explicit `PermissionDenial`s win over both. A model may
narrow what a role sees with a classmethod
`restrict_visibility(queryset, user, action)` (e.g. confidential assets stay within their
team unless granted), applied on every path.
"""

from __future__ import annotations

from django.db.models import BigIntegerField, Model, Q, QuerySet
from django.db.models.functions import Cast

__all__ = [
    "object_permissions_forget",
    "permission_name",
    "restrict_queryset",
    "user_can",
    "user_has_any_permission",
]

STANDARD_ACTIONS = ("view", "add", "change", "delete")


def permission_name(model: type[Model], action: str) -> str:
    """`app_label.codename` for an action (`view`) or a custom codename (`promote_mlmodel`)."""
    opts = model._meta
    codename = f"{action}_{opts.model_name}" if action in STANDARD_ACTIONS else action
    return f"{opts.app_label}.{codename}"


def _is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def restrict_queryset(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """Narrow `queryset` to the rows `user` may `action`."""
    if not _is_active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    model = queryset.model
    perm = permission_name(model, action)
    narrow = getattr(model, "restrict_visibility", None)
    if not user.has_perm(perm):
        restricted = queryset.filter(_granted(user, model, perm))
    elif narrow is None:
        restricted = queryset
    else:
        visible = narrow(queryset, user, action).values("pk")
        restricted = queryset.filter(Q(pk__in=visible) | _granted(user, model, perm))
    return _without_denied(restricted, user, action)


def object_permissions_forget(instance: Model) -> None:
    """Remove the grants and denials of a deleted row: guardian leaves them behind, and a
    new row that reuses the id would inherit them. Runs after every governed delete."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from core.models import PermissionDenial

    content_type = ContentType.objects.get_for_model(instance)
    object_pk = str(instance.pk)
    UserObjectPermission.objects.filter(content_type=content_type, object_pk=object_pk).delete()
    GroupObjectPermission.objects.filter(content_type=content_type, object_pk=object_pk).delete()
    PermissionDenial.objects.filter(content_type=content_type, object_id=object_pk).delete()


def _granted(user, model: type[Model], perm: str) -> Q:
    """Rows of `model` on which `user` (or one of their groups) holds `perm` as a grant.

    The same tables guardian's `get_objects_for_user` reads, as one lean subquery: this runs
    on every list and detail request, so its query-building cost matters.
    """
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    content_type = ContentType.objects.get_for_model(model)
    by_permission = {"permission__codename": perm.split(".", 1)[1], "content_type": content_type}
    as_pk = Cast("object_pk", BigIntegerField())
    user_grants = UserObjectPermission.objects.filter(user=user, **by_permission)
    group_grants = GroupObjectPermission.objects.filter(group__user=user, **by_permission)
    return Q(pk__in=user_grants.values(granted_pk=as_pk)) | Q(
        pk__in=group_grants.values(granted_pk=as_pk))


def _without_denied(queryset: QuerySet, user, action: str) -> QuerySet:
    """Explicit denials win over roles and grants; denying `view` hides the row altogether."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import PermissionDenial

    content_type = ContentType.objects.get_for_model(queryset.model)
    denied = PermissionDenial.objects.filter(
        Q(user=user) | Q(group__in=user.groups.values("pk")) | Q(team__members=user),
        content_type=content_type, action__in={action, "view"},
    ).values(denied_id=Cast("object_id", BigIntegerField()))
    return queryset.exclude(pk__in=denied)


def user_can(user, action: str, obj: Model | None = None, model: type[Model] | None = None) -> bool:
    """Whether `user` may `action` on `obj` (or, without `obj`, on `model` as a whole)."""
    if not _is_active(user):
        return False
    model = model or type(obj)
    if obj is None:
        return user.is_superuser or user.has_perm(permission_name(model, action))
    if user.is_superuser:
        return True
    return restrict_queryset(model._default_manager.filter(pk=obj.pk), user, action).exists()


def user_has_any_permission(user, action: str, model: type[Model]) -> bool:
    """Whether `user` holds `action` on `model` globally or on at least one object."""
    if user_can(user, action, model=model):
        return True
    if not _is_active(user):
        return False
    from django.contrib.contenttypes.models import ContentType

    codename = permission_name(model, action).split(".", 1)[1]
    content_type = ContentType.objects.get_for_model(model)
    return (content_type.pk, codename) in _object_grant_kinds(user)


def _object_grant_kinds(user) -> set[tuple[int, str]]:
    """(content type, codename) of every object grant the user holds, directly or through
    a group: one query per request, however many times a page asks (the admin's sidebar
    asks for every registered model)."""
    kinds = getattr(user, "_custodia_object_grant_kinds", None)
    if kinds is None:
        from guardian.models import GroupObjectPermission, UserObjectPermission

        fields = ("content_type_id", "permission__codename")
        direct = UserObjectPermission.objects.filter(user=user).values_list(*fields)
        via_groups = GroupObjectPermission.objects.filter(group__user=user).values_list(*fields)
        kinds = set(direct.union(via_groups))
        user._custodia_object_grant_kinds = kinds
    return kinds
