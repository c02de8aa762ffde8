"""Explicit denials: a deny of one action on one object wins over every role and grant."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet

__all__ = ["PermissionDenial"]


class PermissionDenialQuerySet(GovernedQuerySet):
    def for_list(self) -> PermissionDenialQuerySet:
        return self.select_related("content_type", "user", "group", "team", "created_by")


class PermissionDenial(GovernedModel):
    """An explicit deny of an action on one object for a user, a role (group) or a team;
    it wins over roles and grants. Created and lifted through `core.services.access`, so
    both are in its history with who and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE,
                                     verbose_name="record type")
    object_id = models.CharField(max_length=64, verbose_name="record id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="permission_denials")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="permission_denials", verbose_name="role")
    team = models.ForeignKey(settings.CUSTODIA_TEAM_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="permission_denials",
                             help_text="Every member of the team is denied.")
    action = models.CharField(max_length=60, help_text="view, change, delete or a custom codename; "
                                                       "denying view hides the object entirely.")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False,
                                   help_text="Who recorded the denial.")

    objects = PermissionDenialQuerySet.as_manager()

    class Meta:
        db_table = "inventory_permissiondenial"  # the table predates the core app
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "action", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, group__isnull=True, team__isnull=True)
                | models.Q(user__isnull=True, group__isnull=False, team__isnull=True)
                | models.Q(user__isnull=True, group__isnull=True, team__isnull=False),
                name="permissiondenial_one_target",
                violation_error_message="A denial names exactly one user, role or team."),
        ]

    def __str__(self) -> str:
        return f"Deny {self.action} on {self.content_type.model} {self.object_id} to {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("core:permissiondenial_detail", args=[self.pk])

    @property
    def record_label(self) -> str:
        model = self.content_type.model_class()
        kind = model._meta.verbose_name if model is not None else self.content_type.model
        return f"{kind} {self.object_id}"

    @property
    def target(self):
        return self.user or self.group or self.team

    def clean(self) -> None:
        super().clean()
        if sum(bool(x) for x in (self.user_id, self.group_id, self.team_id)) != 1:
            raise ValidationError("Name exactly one user, role or team.")
