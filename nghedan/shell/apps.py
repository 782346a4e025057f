from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    name = "nghedan.shell"
    verbose_name = _("Giao diện chung")
