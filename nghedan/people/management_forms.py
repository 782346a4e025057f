"""Forms of the administrators' pages, and the steps that take more than one action.

Choices are limited to what the administrator may use (the organizations they administer),
so a forged choice fails as an invalid one; everything else is decided by `actions`.
"""

from typing import cast

from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from nghedan.people import actions
from nghedan.people.access import administered_organizations
from nghedan.people.models import Organization, Role, User
from nghedan.places.models import Commune, Province

PASSWORD_EMAIL_TEMPLATE = "people/password_reset_email.txt"
PASSWORD_SUBJECT_TEMPLATE = "people/password_reset_subject.txt"

CHOOSE_LABEL = _("— Chọn —")
ANY = [("", _("Tất cả"))]
CHOOSE = [("", CHOOSE_LABEL)]


class OrganizationChoiceField(forms.ModelChoiceField):
    """Organizations listed as a tree: each name indented by its depth."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", CHOOSE_LABEL)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return "— " * obj.depth + obj.name


def _administered_choices(user):
    return administered_organizations(user).filter(is_active=True)


# Organizations


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tên tổ chức"), required=False, max_length=100, widget=forms.SearchInput
    )
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=ANY + Organization.Kind.choices
    )

    def filter(self, organizations):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            organizations = organizations.filter(name__icontains=data["q"])
        if data.get("kind"):
            organizations = organizations.filter(kind=data["kind"])
        return organizations


class OrganizationForm(forms.Form):
    """Create or edit an organization, including moving it under another parent."""

    name = forms.CharField(
        label=_("Tên tổ chức"),
        max_length=200,
        error_messages={"required": _("Vui lòng nhập tên tổ chức.")},
    )
    code = forms.SlugField(
        label=_("Mã"),
        max_length=80,
        help_text=_(
            "Chữ cái không dấu, chữ số, dấu gạch ngang (-) và gạch dưới (_), "
            "ví dụ: mttq-phuong-ben-thanh."
        ),
        error_messages={
            "required": _("Vui lòng nhập mã tổ chức."),
            "invalid": _(
                "Mã chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang (-) và gạch dưới (_)."
            ),
        },
    )
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=CHOOSE + Organization.Kind.choices,
        error_messages={"required": _("Vui lòng chọn loại tổ chức.")},
    )
    parent = OrganizationChoiceField(
        label=_("Trực thuộc"),
        queryset=Organization.objects.none(),
        error_messages={
            "required": _("Vui lòng chọn tổ chức cấp trên."),
            "invalid_choice": _("Hãy chọn một tổ chức cấp trên mà bạn quản trị."),
        },
    )
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=CHOOSE_LABEL,
    )
    commune = forms.ModelChoiceField(
        label=_("Xã, phường, đặc khu"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=CHOOSE_LABEL,
        help_text=_("Để trống nếu tổ chức ở cấp tỉnh, thành."),
        error_messages={"invalid_choice": _("Xã, phường này không thuộc tỉnh, thành đã chọn.")},
    )

    assigns_in_turn = forms.BooleanField(
        label=_("Tự động giao việc lần lượt"),
        required=False,
        help_text=_(
            "Mỗi vụ việc mới đến được giao cho cán bộ xử lý đang có ít vụ việc mở nhất của tổ chức."
        ),
    )

    def __init__(self, user, *args, organization: Organization | None = None, **kwargs):
        if organization is not None:
            kwargs.setdefault("initial", _organization_initial(organization))
        super().__init__(*args, **kwargs)
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        # An organization keeps its present parent even when that one is above the
        # administrator's subtree (a ward administrator editing their own ward).
        current_parent = organization.parent_id if organization else None
        parent.queryset = Organization.objects.filter(
            Q(pk__in=_administered_choices(user)) | Q(pk=current_parent)
        )
        parent.required = not (
            user.is_superuser or (organization is not None and organization.parent_id is None)
        )
        if not parent.required:
            parent.empty_label = _("— Không trực thuộc tổ chức nào —")
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = communes_of(
            self._chosen_province()
        )
        self.fields["province"].widget.attrs.update(
            {
                "hx-get": reverse("people:organization_communes"),
                "hx-target": "#id_commune",
                "hx-swap": "outerHTML",
            }
        )

    def _chosen_province(self):
        if not self.is_bound:
            return self.initial.get("province")
        try:
            return self.fields["province"].clean(self.data.get(self.add_prefix("province")))
        except forms.ValidationError:
            return None

    def clean_code(self):
        return self.cleaned_data["code"].lower()


def _organization_initial(organization: Organization) -> dict:
    return {
        "name": organization.name,
        "code": organization.code,
        "kind": organization.kind,
        "parent": organization.parent_id,
        "province": organization.province_id,
        "commune": organization.commune_id,
        "assigns_in_turn": organization.assigns_in_turn,
    }


def communes_of(province):
    """The communes to choose from: those of the chosen province, or all of them."""
    communes = Commune.objects.select_related("province")
    return communes.filter(province=province) if province else communes


class SupervisionForm(forms.Form):
    supervised = OrganizationChoiceField(
        label=_("Tổ chức được giám sát"),
        queryset=Organization.objects.none(),
        error_messages={
            "required": _("Vui lòng chọn tổ chức được giám sát."),
            "invalid_choice": _("Hãy chọn một tổ chức trong danh sách."),
        },
    )

    def __init__(self, user, supervisor: Organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Both ends administered: a link widens what the supervisor's members may see.
        cast(forms.ModelChoiceField, self.fields["supervised"]).queryset = (
            administered_organizations(user).filter(is_active=True).exclude(pk=supervisor.pk)
        )


# People


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tên, tên đăng nhập hoặc e-mail"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
    )
    organization = OrganizationChoiceField(
        label=_("Tổ chức"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Tất cả"),
    )
    role = forms.ChoiceField(label=_("Vai trò"), required=False, choices=ANY + Role.choices)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = administered_organizations(user)

    def filter(self, people):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            text = data["q"]
            people = people.filter(
                Q(full_name__icontains=text)
                | Q(username__icontains=text)
                | Q(email__icontains=text)
            )
        # One filter() call, so organization and role hold for the same membership.
        membership = {}
        if data.get("organization"):
            membership["memberships__organization__path__startswith"] = data["organization"].path
        if data.get("role"):
            membership["memberships__role"] = data["role"]
        if membership:
            people = people.filter(**membership).distinct()
        return people


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Thư đặt mật khẩu được gửi đến địa chỉ này."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Địa chỉ e-mail chưa đúng, ví dụ đúng: ten@example.vn.")},
    )
    phone = forms.CharField(
        label=_("Số điện thoại"), max_length=20, required=False, widget=forms.TelInput
    )


def person_initial(person: User) -> dict:
    return {"full_name": person.full_name, "email": person.email, "phone": person.phone}


class MembershipForm(forms.Form):
    organization = OrganizationChoiceField(
        label=_("Tổ chức"),
        queryset=Organization.objects.none(),
        error_messages={
            "required": _("Vui lòng chọn tổ chức."),
            "invalid_choice": _("Hãy chọn một tổ chức mà bạn quản trị."),
        },
    )
    role = forms.ChoiceField(
        label=_("Vai trò"),
        choices=CHOOSE + Role.choices,
        error_messages={"required": _("Vui lòng chọn vai trò.")},
    )
    title = forms.CharField(
        label=_("Chức vụ"),
        max_length=150,
        required=False,
        help_text=_("Ví dụ: Phó Chủ tịch, Chuyên viên."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _administered_choices(user)


class PersonCreateForm(PersonForm, MembershipForm):
    """A new account with its first role; the person chooses their password by e-mail."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[User.username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Chữ cái, chữ số và các dấu @ . + - _"),
        error_messages={"required": _("Vui lòng nhập tên đăng nhập.")},
    )

    field_order = ["full_name", "username", "email", "phone", "organization", "role", "title"]

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def create(self, actor) -> User:
        """Both the account and its role, or neither."""
        data = self.cleaned_data
        with transaction.atomic():
            person = actions.do_create_person(
                actor,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
            )
            actions.do_add_membership(
                actor, person, data["organization"], data["role"], data["title"]
            )
        return person


def send_password_email(request, person: User) -> bool:
    """Mail the person a link to choose their password; False when they have no e-mail.

    PasswordResetForm skips accounts without a usable password, which is what a new
    account has, so the link is made here with the same token and templates.
    """
    if not person.email:
        return False
    site = get_current_site(request)
    context = {
        "email": person.email,
        "domain": site.domain,
        "site_name": site.name,
        "uid": urlsafe_base64_encode(force_bytes(person.pk)),
        "user": person,
        "token": default_token_generator.make_token(person),
        "protocol": "https" if request.is_secure() else "http",
    }
    subject = "".join(loader.render_to_string(PASSWORD_SUBJECT_TEMPLATE, context).splitlines())
    body = loader.render_to_string(PASSWORD_EMAIL_TEMPLATE, context)
    send_mail(subject, body, None, [person.email])
    return True
