"""Administrators' pages for organizations, supervision links, people and memberships."""

from django.shortcuts import render

from nghedan.people.access import administered_organizations, people_for_user
from nghedan.people.decorators import administrator_required


@administrator_required
def organizations(request):
    return render(
        request,
        "people/organizations.html",
        {"organizations": administered_organizations(request.user).select_related("commune")},
    )


@administrator_required
def people(request):
    return render(request, "people/people.html", {"people": people_for_user(request.user)[:100]})
