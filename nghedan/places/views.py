from django import forms
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from nghedan.places import gazetteer


class LookupForm(forms.Form):
    address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=gazetteer.MAX_ADDRESS_LENGTH,
        error_messages={
            "required": _("Hãy nhập địa chỉ cần tra cứu, ví dụ: P. Bến Nghé, Q.1, TP.HCM."),
            "max_length": _(
                "Địa chỉ dài tối đa %(limit_value)d ký tự (đang có %(show_value)d); hãy rút gọn, "
                "chỉ cần tên phường, xã và tỉnh, thành phố."
            ),
        },
    )


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
        response = render(
            request, "places/lookup.html", context, status=400 if form.errors else 200
        )
    patch_vary_headers(response, ["HX-Request"])
    return response
