from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nghedan.notices.actions import do_mark_read
from nghedan.people.decorators import signed_in_required


@signed_in_required
def inbox(request):
    page = Paginator(request.user.notices.all(), 50).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page})


@signed_in_required
@require_POST
def mark_all_read(request):
    do_mark_read(request.user, request.user.notices.values_list("pk", flat=True))
    return redirect("notices:inbox")
