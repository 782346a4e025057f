from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from nghedan.api.main import api
from nghedan.cases.open311 import discovery

urlpatterns = [
    path("", include("nghedan.shell.urls")),
    path("", include("nghedan.people.urls")),
    path("places/", include("nghedan.places.urls")),
    path("", include("nghedan.cases.urls")),
    path("thong-bao/", include("nghedan.notices.urls")),
    path("tiep-cong-dan/", include("nghedan.reception.urls")),
    path("phan-tich/", include("nghedan.insight.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    re_path(r"^open311/discovery\.(?P<fmt>json|xml)$", discovery, name="open311-discovery"),
    path("open311/v2/", include("nghedan.cases.open311_urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = "nghedan.shell.views.bad_request"
handler403 = "nghedan.shell.views.forbidden"
handler404 = "nghedan.shell.views.not_found"
