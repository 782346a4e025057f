from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from nghedan.people import signin


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    def clean(self):
        data = super().clean()
        username, password = data.get("username"), data.get("password")
        if not username or not password:
            return data
        address = signin.client_address(self.request)
        if signin.is_locked(username, address):
            raise forms.ValidationError(
                _(
                    "Đăng nhập sai quá nhiều lần. Vui lòng chờ %(minutes)s phút rồi thử lại, "
                    "hoặc dùng \"Quên mật khẩu\"."
                ),
                code="locked",
                params={"minutes": signin.settings.SIGN_IN_LOCK_MINUTES},
            )
        self.user = authenticate(self.request, username=username, password=password)
        if self.user is None:
            signin.note_failure(username, address)
            raise forms.ValidationError(
                _("Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (chú ý chữ hoa, chữ thường)."),
                code="invalid",
            )
        return data
