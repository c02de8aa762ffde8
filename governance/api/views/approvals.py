"""Promotion requests in the API: list and read them, ask for one, approve or reject it.

`POST approval-requests/` asks for approval of a promotion; `POST approval-requests/<id>/
approve/` and `.../reject/` take a decision with a comment. Refusals keep their kind: a
missing right or segregation of duties is a 403, a closed, expired or already-decided
request a 409, a missing comment a 400; nothing is written in any case.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.viewsets import GovernedViewSet
from governance.api.serializers.approvals import (
    ApprovalRequestCreateSerializer,
    ApprovalRequestSerializer,
    DecisionSerializer,
)
from governance.choices import Decision
from governance.filters import ApprovalRequestFilterSet
from governance.models import ApprovalRequest
from governance.services.approvals import approval_request_create, approval_request_decide

__all__ = ["ApprovalRequestViewSet"]


class ApprovalRequestViewSet(GovernedViewSet):
    """Promotion requests and their decisions (never changed or deleted: they are evidence)."""

    queryset = ApprovalRequest.objects.all()
    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [CustodiaPermission]
    http_method_names = ["get", "post", "head", "options"]
    permission_action = None  # the decision routes name theirs

    def get_serializer_class(self):
        if self.action == "create":
            return ApprovalRequestCreateSerializer
        if self.action in ("approve", "reject"):
            return DecisionSerializer
        return ApprovalRequestSerializer

    @extend_schema(request=ApprovalRequestCreateSerializer,
                   responses={201: ApprovalRequestSerializer})
    def create(self, request, *args, **kwargs):
        body = ApprovalRequestCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = body.validated_data
        created = approval_request_create(
            version=values["model_version"], to_stage=values["to_stage"], actor=request.user,
            reason=values["reason"], change_reason=values.get("change_reason", ""))
        return Response(self._read(created), status=status.HTTP_201_CREATED)

    def _read(self, obj: ApprovalRequest) -> dict:
        fresh = ApprovalRequest.objects.for_list().get(pk=obj.pk)
        return ApprovalRequestSerializer(fresh, context={"request": self.request}).data

    def _decide(self, request, decision: str) -> Response:
        target = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = approval_request_decide(request=target, actor=request.user, decision=decision,
                                          comment=body.validated_data["comment"])
        return Response(self._read(decided))

    @extend_schema(request=DecisionSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"], permission_action="decide_approvalrequest")
    def approve(self, request, pk=None):
        """Approve with a comment; the approval that completes the policy promotes the
        version at once (see `status` and `status_detail` in the answer)."""
        return self._decide(request, Decision.APPROVE)

    @extend_schema(request=DecisionSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"], permission_action="decide_approvalrequest")
    def reject(self, request, pk=None):
        """Reject with a comment; the request closes for good."""
        return self._decide(request, Decision.REJECT)
