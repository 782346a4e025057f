from django import forms
from django.utils.translation import gettext_lazy as _

from nghedan.places.gazetteer import MAX_ADDRESS_LENGTH


class LookupForm(forms.Form):
    address = forms.CharField(
        label=_("Địa chỉ"),
        max_length=MAX_ADDRESS_LENGTH,
        error_messages={
            "required": _("Hãy nhập địa chỉ cần tra cứu, ví dụ: P. Bến Nghé, Q.1, TP.HCM."),
            "max_length": _(
                "Địa chỉ dài tối đa %(limit_value)d ký tự (đang có %(show_value)d); hãy rút gọn, "
                "chỉ cần tên phường, xã và tỉnh, thành phố."
            ),
        },
    )
