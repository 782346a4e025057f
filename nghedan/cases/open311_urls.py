"""Open311 GeoReport v2, mounted at /open311/v2/: each resource as .json or .xml."""

from django.urls import re_path

from nghedan.cases import open311

FORMAT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^services" + FORMAT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FORMAT, open311.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, open311.service_requests, name="requests"),
    re_path(r"^requests/(?P<code>[-\w]+)" + FORMAT, open311.service_request, name="request"),
    re_path(r"^tokens/(?P<code>[-\w]+)" + FORMAT, open311.token, name="token"),
    re_path(r"^.*$", open311.not_found),  # anything else: a 404 in the spec's error format
]
