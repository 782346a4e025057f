"""Who is calling: a staff tool with a bearer token, or a browser with its session.

Either way `request.auth` is the signed-in, active user.
"""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from nghedan.lib.refusal import Refused
from nghedan.people.access import is_signed_in
from nghedan.people.actions import hash_token
from nghedan.people.models import ApiToken, User

# last_used_at is for people deciding which tokens to revoke: a minute is precise enough,
# and it spares a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

INVALID_TOKEN = (
    "Mã truy cập không hợp lệ, đã bị thu hồi, hoặc tài khoản của nó đã bị khóa. "
    "Hãy kiểm tra lại mã, hoặc đăng nhập và cấp một mã mới."
)
CSRF_FAILED = (
    "Thiếu hoặc sai mã chống giả mạo (CSRF) cho yêu cầu dùng phiên đăng nhập. Hãy gửi tiêu đề "
    "`X-CSRFToken` lấy từ cookie csrftoken, hoặc dùng mã truy cập API."
)


def note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer nd_…`: a token issued through /api/v1/tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            # A token was offered and is wrong: say so rather than fall back to the session.
            raise Refused("invalid_token", INVALID_TOKEN, status=401)
        note_use(api_token)
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """The browser's Django session; unsafe methods need the CSRF token as well."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not is_signed_in(request.user):
            return None  # anonymous: the request ends as 401, not as a CSRF failure
        try:
            return super()._get_key(request)
        except HttpError:
            raise Refused("csrf_failed", CSRF_FAILED, status=403) from None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if isinstance(user, User) and is_signed_in(user) else None


token_auth = BearerTokenAuth()
session_auth = SessionAuth()
