"""Page-number pagination with a client-set, bounded page size."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.CUSTODIA_API_MAX_PAGE_SIZE
