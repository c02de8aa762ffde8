"""API views of model branches and aliases, written through `inventory.services.branches`."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.api.viewsets import GovernedViewSet
from inventory.api.serializers.branches import ModelAliasSerializer, ModelBranchSerializer
from inventory.models import ModelAlias, ModelBranch
from inventory.services import branches


class ModelBranchViewSet(GovernedViewSet):
    """Branches of a model's versions (`main`, `exp/...`, `drift-test/...`)."""

    queryset = ModelBranch.objects.all()
    serializer_class = ModelBranchSerializer
    filterset_fields = ["model", "kind", "name"]
    ordering_fields = ["name", "created_at"]

    def create_object(self, data: dict, *, reason: str):
        return branches.model_branch_create(model=data.pop("model"), actor=self.request.user,
                                            reason=reason, data=data)

    def update_object(self, instance, data: dict, *, reason: str):
        return branches.model_branch_update(branch=instance, actor=self.request.user,
                                            reason=reason, data=data)

    def delete_object(self, instance, *, reason: str) -> None:
        branches.model_branch_delete(branch=instance, actor=self.request.user, reason=reason)


class ModelAliasViewSet(GovernedViewSet):
    """Aliases (`champion`, `challenger`...): create or PATCH `version` to move one, with
    `change_reason` as the reason kept in its history and move log."""

    queryset = ModelAlias.objects.all()
    serializer_class = ModelAliasSerializer
    filterset_fields = ["model", "name", "version"]
    ordering_fields = ["name", "moved_at"]

    def create_object(self, data: dict, *, reason: str):
        if not data.get("name"):
            raise ValidationError({"name": ["Name the alias, e.g. champion."]})
        return branches.model_alias_set(model=data["model"], name=data["name"],
                                        version=data["version"], actor=self.request.user,
                                        reason=reason)

    def update_object(self, instance, data: dict, *, reason: str):
        fixed = {k: ["An alias's model and name never change; create another alias."]
                 for k in ("model", "name") if k in data
                 and getattr(data[k], "pk", data[k]) != getattr(getattr(instance, k), "pk",
                                                                getattr(instance, k))}
        if fixed:
            raise ValidationError(fixed)
        if "version" not in data:
            return instance
        return branches.model_alias_set(model=instance.model, name=instance.name,
                                        version=data["version"], actor=self.request.user,
                                        reason=reason)

    def delete_object(self, instance, *, reason: str) -> None:
        branches.model_alias_delete(alias=instance, actor=self.request.user, reason=reason)
