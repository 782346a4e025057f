from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "nghedan.cases"
    verbose_name = _("Vụ việc, đơn thư")

    def ready(self) -> None:
        from nghedan.cases import rule_cache

        rule_cache.connect()
