from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "nghedan.people"
    verbose_name = _("Tổ chức và con người")
