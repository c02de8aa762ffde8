"""Explicit denials: a deny of one action on one object wins over every role and grant."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

__all__ = ["PermissionDenial"]


class PermissionDenial(models.Model):
    """An explicit deny of an action on one object for a user or a group; wins over roles."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="permission_denials")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="permission_denials")
    action = models.CharField(max_length=60, help_text="view, change, delete or a custom codename; "
                                                       "denying view hides the object entirely.")
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False,
                                   help_text="Who recorded the denial.")

    class Meta:
        db_table = "inventory_permissiondenial"  # the table predates the core app
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "action", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, group__isnull=True)
                | models.Q(user__isnull=True, group__isnull=False),
                name="permissiondenial_user_xor_group",
                violation_error_message="A denial names either a user or a group."),
        ]

    def __str__(self) -> str:
        who = self.user or self.group
        return f"Deny {self.action} on {self.content_type.model} {self.object_id} to {who}"

    def clean(self) -> None:
        super().clean()
        if bool(self.user_id) == bool(self.group_id):
            raise ValidationError("Name either a user or a group.")
