"""django-filter backend that refuses unknown or malformed filters, and unknown orderings,
with a 400 (DRF's OrderingFilter would silently ignore a misspelt field)."""

from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# Query parameters that are not filters but are understood by every list endpoint.
GENERIC_PARAMETERS = {"page", "page_size", "ordering", "format", "q"}


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            # One object by id: list filters do not apply, and building the filterset for
            # nothing would cost every detail request.
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        known = set(GENERIC_PARAMETERS) | set(getattr(view, "extra_query_parameters", ()))
        if filterset is not None:
            known |= set(filterset.filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({name: ["Unknown filter."] for name in unknown})
        _check_ordering(request, view)
        if filterset is None:
            return queryset
        _check_booleans(request, filterset)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs


BOOLEAN_VALUES = {"true", "false", "1", "0"}


def _check_booleans(request, filterset) -> None:
    """django-filter reads an unknown yes/no value as "no filter" (every row); refuse it."""
    bad = {name: ["Use true or false."] for name, flt in filterset.filters.items()
           if isinstance(flt, BooleanFilter) and name in request.query_params
           and request.query_params[name].lower() not in BOOLEAN_VALUES}
    if bad:
        raise ValidationError(bad)


def _check_ordering(request, view) -> None:
    """Refuse `?ordering=` terms outside the view's declared `ordering_fields`."""
    allowed = getattr(view, "ordering_fields", None)
    raw = request.query_params.get("ordering", "")
    if not raw or allowed is None or allowed == "__all__":
        return
    terms = [term.strip() for term in raw.split(",") if term.strip()]
    bad = [term for term in terms if term.lstrip("-") not in allowed]
    if bad:
        raise ValidationError({"ordering": [
            f"Cannot order by {', '.join(bad)}; choose from {', '.join(allowed)} "
            "(prefix - for descending)."]})
