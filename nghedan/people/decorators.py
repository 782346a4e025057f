"""Page guards: who may open a page at all. What they see inside is decided by `access`."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from nghedan.people.access import (
    has_working_role,
    is_administrator,
    is_signed_in,
    is_staff_member,
)


def page_guard(check):
    """Anonymous visitors are sent to sign in; signed-in people who fail `check` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(
                    "Bạn không có quyền mở trang này / You may not open this page"
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


signed_in_required = page_guard(lambda user: True)
staff_required = page_guard(is_staff_member)
administrator_required = page_guard(is_administrator)
working_role_required = page_guard(has_working_role)
