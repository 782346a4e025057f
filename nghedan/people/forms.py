from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from nghedan.lib.addresses import client_address
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
        address = client_address(self.request)
        if signin.is_locked(username, address):
            raise forms.ValidationError(
                _(
                    "Đăng nhập sai quá nhiều lần. Vui lòng chờ %(minutes)s phút rồi thử lại, "
                    'hoặc dùng "Quên mật khẩu?".'
                ),
                code="locked",
                params={"minutes": settings.SIGN_IN_LOCK_MINUTES},
            )
        self.user = authenticate(self.request, username=username, password=password)
        if self.user is None:
            signin.note_failure(username, address)
            raise forms.ValidationError(
                _(
                    "Tên đăng nhập hoặc mật khẩu không đúng. "
                    "Hãy kiểm tra lại (chú ý chữ hoa, chữ thường)."
                ),
                code="invalid",
            )
        return data


class CitizenSignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        max_length=40,
        min_length=3,
        regex=r"^[a-zA-Z0-9._-]+$",
        error_messages={
            "invalid": _("Chỉ dùng chữ không dấu, số và các dấu . _ - (ví dụ: nguyen.van.a).")
        },
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.RegexField(
        label=_("Số điện thoại"),
        required=False,
        regex=r"^\+?[0-9 .]{9,15}$",
        error_messages={"invalid": _("Số điện thoại gồm 9–15 chữ số, ví dụ 0909 123 456.")},
    )
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)
    password_again = forms.CharField(
        label=_("Nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput
    )
    # Left empty by people; filled by robots that fill every field.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Hai mật khẩu không giống nhau. Hãy nhập lại."))
        return data
