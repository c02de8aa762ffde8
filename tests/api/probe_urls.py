"""Test-only URLconf: the project's routes plus probes of the API base machinery.

- `probe-api:team-*`: a writable resource over `Team` built only from the governed API base
  (GovernedSerializer + GovernedViewSet, no services), so the contract suite's write checks
  and the base's history/validation behaviour are proven before real writable resources exist.
- `probe-errors`: views raising each error the exception handler must shape, and a plain
  serializer for type errors. Use with `@pytest.mark.urls("tests.api.probe_urls")`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from config.urls import handler403, handler404, handler500  # noqa: F401  (same error pages)
from config.urls import urlpatterns as project_urlpatterns
from core.api.errors import Conflict
from core.api.serializers import GovernedSerializer
from core.api.viewsets import GovernedViewSet
from inventory.models import Team


class TeamProbeSerializer(GovernedSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "slug", "business_unit", "description", "change_reason"]


class TeamProbeViewSet(GovernedViewSet):
    queryset = Team.objects.all()
    serializer_class = TeamProbeSerializer
    filterset_fields = ["business_unit"]


class EchoSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20)
    count = serializers.IntegerField(min_value=0)
    enabled = serializers.BooleanField()
    when = serializers.DateTimeField()


def _raise(kind: str):
    errors = {
        "conflict": Conflict("The version was promoted meanwhile."),
        "django-validation": DjangoValidationError({
            "name": ["Name must look like domain-purpose-variant, e.g. credit-default-xgb."],
            "__all__": ["A retired model cannot be changed."],
        }),
        "django-validation-plain": DjangoValidationError("The record is frozen."),
        "not-found": Http404("gone"),
        "denied": DjangoPermissionDenied("Only the model owner may do this."),
        "bug": RuntimeError("secret internal detail"),
    }
    raise errors[kind]


class ErrorProbeView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, kind: str):
        _raise(kind)

    def post(self, request, kind: str):
        serializer = EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


router = SimpleRouter()
router.register("teams", TeamProbeViewSet, basename="team")

def broken_page(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [
    *project_urlpatterns,
    path("probe/broken-page/", broken_page, name="probe-broken-page"),
    path("api/probe/", include((router.urls, "probe-api"))),
    path("api/probe/errors/<str:kind>/", ErrorProbeView.as_view(), name="probe-errors"),
]
