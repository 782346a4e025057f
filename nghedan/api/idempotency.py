"""Idempotency-Key: a POST carrying the header is performed at most once per user and key.

Two hooks, installed on the whole API so that every POST route has them:

- `reserve` runs once the caller is authenticated and the input is valid, just before the
  handler. It inserts the key under a unique constraint (committed at once, so a
  concurrent retry sees it), or answers from the row already there: the stored response
  (replayed), 409 while the first request is still running, 422 if the key was used for
  another request.
- `settle` sees the final response, whatever the handler returned or raised: a 2xx or 4xx
  is stored for replay; anything else releases the key so that a retry runs again.

A handler whose response holds a secret shown only once is marked `@secret_response`:
it is never stored, so it refuses the header.
"""

import hashlib
import inspect
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI

from nghedan.api.errors import CONTENT_TYPE
from nghedan.api.models import IdempotentRequest
from nghedan.lib.refusal import Refused
from nghedan.people.access import is_signed_in

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# A request still unfinished after this long died with its process; its key may be reused.
ABANDONED_AFTER = timedelta(minutes=10)

BAD_KEY = (
    "Tiêu đề Idempotency-Key phải gồm từ 1 đến 255 ký tự ASCII nhìn thấy được (không dấu, "
    "không khoảng trắng), ví dụ một UUID."
)
KEY_REUSED = (
    "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác (khác địa chỉ hoặc nội dung). "
    "Hãy dùng một khóa mới cho mỗi yêu cầu mới."
)
IN_PROGRESS = (
    "Một yêu cầu với cùng Idempotency-Key đang được xử lý. Hãy chờ vài giây rồi gửi lại để "
    "nhận kết quả của nó."
)
NOT_SUPPORTED = (
    "Yêu cầu này trả về một mã bí mật chỉ hiện một lần nên không lưu để gửi lại; hãy gửi "
    "yêu cầu mà không kèm tiêu đề Idempotency-Key."
)


def expiry() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_HOURS)


def prune_idempotent_requests() -> int:
    """Forget keys older than the expiry; returns how many were deleted."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - expiry()).delete()
    return deleted


def secret_response(view_func: Callable) -> Callable:
    view_func.secret_response = True  # type: ignore[attr-defined]
    return view_func


def fingerprint(request: HttpRequest) -> str:
    return hashlib.sha256(request.body).hexdigest()


def replay(stored: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        stored.response_body, status=stored.status_code, content_type=CONTENT_TYPE
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _forget_stale(owner: dict, key: str) -> None:
    now = timezone.now()
    IdempotentRequest.objects.filter(**owner, key=key).filter(
        Q(created_at__lt=now - expiry())
        | Q(status_code__isnull=True, created_at__lt=now - ABANDONED_AFTER)
    ).delete()


def claim(request: HttpRequest, key: str, client: str = "") -> IdempotentRequest | HttpResponse:
    """The new reservation for this key, or the stored response to replay. The key belongs to
    the signed-in caller (`request.auth`), or, for a post without an account, to `client`."""
    user, body_hash = getattr(request, "auth", None), fingerprint(request)
    owner = {"user": user} if user is not None else {"user": None, "client": client}
    _forget_stale(owner, key)
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                **owner,
                key=key,
                method=str(request.method),
                path=request.path,
                body_hash=body_hash,
            )
    except IntegrityError:
        earlier = IdempotentRequest.objects.filter(**owner, key=key).first()
    if earlier is None:  # released by a failed first request a moment ago: retry later
        raise Refused("idempotency_in_progress", IN_PROGRESS, status=409)
    if (earlier.method, earlier.path, earlier.body_hash) != (
        request.method,
        request.path,
        body_hash,
    ):
        raise Refused("idempotency_key_reused", KEY_REUSED, status=422)
    if earlier.in_progress:
        raise Refused("idempotency_in_progress", IN_PROGRESS, status=409)
    return replay(earlier)


def reserve(view_func: Callable) -> Callable:
    """Operation hook: claims the key before the handler runs."""
    if inspect.iscoroutinefunction(view_func):
        return view_func  # the API is served synchronously; async handlers go without

    @wraps(view_func)
    def reserved(request: HttpRequest, *args, **kwargs):
        key = request.headers.get(HEADER)
        user = getattr(request, "auth", None)
        if request.method != "POST" or key is None or user is None or not is_signed_in(user):
            return view_func(request, *args, **kwargs)
        if not VALID_KEY.fullmatch(key):
            raise Refused("bad_idempotency_key", BAD_KEY, status=400)
        if getattr(view_func, "secret_response", False):
            raise Refused("idempotency_not_supported", NOT_SUPPORTED, status=400)
        claimed = claim(request, key)
        if isinstance(claimed, HttpResponse):
            return claimed
        request.idempotent_request = claimed  # type: ignore[attr-defined]
        return view_func(request, *args, **kwargs)

    return reserved


def storable(response: HttpResponse) -> bool:
    status = response.status_code
    return not response.streaming and (200 <= status < 300 or 400 <= status < 500)


def forget_answers_of(user) -> None:
    """Drop the answers kept for a person's retries: when what they may see shrinks, a retry
    must not replay a case they can no longer open."""
    IdempotentRequest.objects.filter(user=user).delete()


def record(claimed: IdempotentRequest, response: HttpResponse | None) -> None:
    if response is not None and storable(response):
        claimed.status_code = response.status_code
        claimed.response_body = response.content.decode(response.charset or "utf-8")
        claimed.save(update_fields=["status_code", "response_body"])
    else:
        IdempotentRequest.objects.filter(pk=claimed.pk).delete()


def settle(run: Callable) -> Callable:
    """View hook: stores the final response of a reserved request, or releases the key."""
    if inspect.iscoroutinefunction(run):
        return run

    @wraps(run)
    def settled(request: HttpRequest, *args, **kwargs):
        response = None
        try:
            response = run(request, *args, **kwargs)
            return response
        finally:
            claimed = getattr(request, "idempotent_request", None)
            if claimed is not None:
                record(claimed, response)

    return settled


def install(api: NinjaAPI) -> None:
    api.add_decorator(reserve, mode="operation")
    api.add_decorator(settle, mode="view")
