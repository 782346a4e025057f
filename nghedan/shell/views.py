from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from nghedan.people.access import is_staff_member, roles_of, working_organizations
from nghedan.people.decorators import staff_required


def home(request):
    return render(request, "shell/home.html")


@staff_required
def dashboard(request):
    organizations = working_organizations(request.user).select_related("commune")[:50]
    return render(
        request,
        "shell/dashboard.html",
        {"organizations": organizations, "roles": sorted(roles_of(request.user))},
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request, exception=None):
    return render(
        request, "403.html", {"signed_in_staff": is_staff_member(request.user)}, status=403
    )


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A form sent without its security cookie (cookies blocked, a page left open too long, an
    in-app browser): say so in plain words and how to send again without typing it all anew."""
    return render(request, "403_csrf.html", status=403)
