"""API tokens, accepted as `Authorization: Bearer <token>` or DRF's `Token <token>`; HTTP basic
authentication with the sign-in cool-down, for the clients that send it."""

from rest_framework.authentication import (
    BasicAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed

from core.login_throttle import login_failed, login_succeeded, login_throttle_keys, login_throttled


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


class ThrottledBasicAuthentication(BasicAuthentication):
    """HTTP basic authentication (what `MLFLOW_TRACKING_USERNAME`/`PASSWORD` send), with the
    sign-in forms' cool-down: failures count per username and client address, and while
    either cools down even the right password is refused."""

    def authenticate_credentials(self, userid, password, request=None):
        keys = login_throttle_keys(userid, request)
        if login_throttled(keys):
            raise AuthenticationFailed("Too many failed sign-in attempts. Wait a few minutes "
                                       "and try again.")
        try:
            user = super().authenticate_credentials(userid, password, request)
        except AuthenticationFailed:
            login_failed(keys)
            raise
        login_succeeded(keys)
        return user
