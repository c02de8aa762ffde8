"""django-filter backend that refuses unknown or malformed filters with a 400."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# Query parameters that are not filters but are understood by every list endpoint.
GENERIC_PARAMETERS = {"page", "page_size", "ordering", "format", "q"}


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        known = set(GENERIC_PARAMETERS) | set(getattr(view, "extra_query_parameters", ()))
        if filterset is not None:
            known |= set(filterset.filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({name: ["Unknown filter."] for name in unknown})
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs
