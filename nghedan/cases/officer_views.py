from django.shortcuts import render

from nghedan.cases.access import cases_for_user, get_case_for_user
from nghedan.people.decorators import working_role_required


@working_role_required
def queue(request):
    return render(request, "cases/queue.html", {"cases": cases_for_user(request.user)[:50]})


@working_role_required
def case(request, pk):
    return render(request, "cases/case.html", {"case": get_case_for_user(request.user, pk)})
