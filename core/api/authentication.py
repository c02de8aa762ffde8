"""API tokens, accepted as `Authorization: Bearer <token>` or DRF's `Token <token>`."""

from rest_framework.authentication import TokenAuthentication, get_authorization_header


class BearerOrTokenAuthentication(TokenAuthentication):
    """DRF's token authentication that also accepts the Bearer keyword (OpenLineage clients send it)."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in self.keywords:
            return None
        self.keyword = auth[0].decode()
        return super().authenticate(request)

    def authenticate_header(self, request) -> str:
        return "Bearer"
