from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from nghedan.places import gazetteer
from nghedan.places.forms import LookupForm


def lookup(request):
    """Public: an address in old or new names -> the commune today. htmx gets the result only."""
    form = LookupForm(request.GET if "address" in request.GET else None)
    resolution = None
    suggestions = []
    if form.is_bound and form.is_valid():
        resolution = gazetteer.resolve(form.cleaned_data["address"])
        if resolution.status == gazetteer.NOT_FOUND and resolution.province is None:
            suggestions = gazetteer.suggest(form.cleaned_data["address"])
    context = {"form": form, "resolution": resolution, "suggestions": suggestions}
    if request.htmx:
        # htmx swaps only successful answers, so an invalid address still answers 200 here.
        response = render(request, "places/result.html", context)
    else:
        status = 400 if form.errors else 200
        response = render(request, "places/lookup.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
