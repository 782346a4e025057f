"""Forms of the reception log: the list's filters, opening a session, recording a visit.

Choices are limited to what the officer may use (organizations where they receive, officers
of those organizations, active categories and refusal reasons), so a forged choice fails as
an invalid one. What a visit must carry for each outcome is decided once, in
`actions.visit_problems`; the form shows every problem at once, each beside its field.
"""

from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nghedan.cases.models import Category, Kind
from nghedan.cases.officer_forms import (
    ANY_LABEL,
    CHOOSE,
    CHOOSE_LABEL,
    CONTENT_TOO_LONG,
    ChoiceList,
    NamedChoiceField,
    PersonChoiceField,
    choice_field,
    textarea,
)
from nghedan.cases.public_forms import CONTENT_MAX, NOTE_MAX, TextField
from nghedan.people.access import working_organizations
from nghedan.people.models import Membership, Organization, User
from nghedan.reception.access import receiving_organizations
from nghedan.reception.actions import RECEIVING_ROLES, visit_problems
from nghedan.reception.models import CrowdRule, Reception, RefusalOfReception, Visit

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MONTH_FORMATS = ["%Y-%m", "%m/%Y"]


def receiving_officers(organizations) -> QuerySet[User]:
    """Active people who may preside or sit at a session of these organizations."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization__in=organizations,
            memberships__role__in=RECEIVING_ROLES,
        )
        .distinct()
        .order_by("full_name", "username")
    )


class OfficerList(forms.CheckboxSelectMultiple):
    """Check boxes whose label and error link lead to the first one."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class RefusalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.text} ({obj.legal_reference})"


# The list


class ReceptionFilterForm(forms.Form):
    organization = NamedChoiceField(
        label=_("Cơ quan tiếp (gồm cả đơn vị trực thuộc)"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=ANY_LABEL,
        error_messages={"invalid_choice": _("Hãy chọn một cơ quan trong danh sách.")},
    )
    month = forms.DateField(
        label=_("Tháng"),
        required=False,
        input_formats=MONTH_FORMATS,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Tháng chưa đúng, ví dụ đúng: 03/2026.")},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organization").queryset = working_organizations(user)

    def filter(self, receptions: QuerySet[Reception]) -> QuerySet[Reception]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("organization"):
            receptions = receptions.filter(organization__path__startswith=data["organization"].path)
        month: date | None = data.get("month")
        if month:
            receptions = receptions.filter(held_on__year=month.year, held_on__month=month.month)
        return receptions.order_by("-held_on", "-pk")


# Opening a session


class OpenReceptionForm(forms.Form):
    organization = NamedChoiceField(
        label=_("Cơ quan tiếp"),
        queryset=Organization.objects.none(),
        empty_label=CHOOSE_LABEL,
        error_messages={
            "required": _("Hãy chọn cơ quan tổ chức buổi tiếp."),
            "invalid_choice": _("Hãy chọn một cơ quan bạn làm việc trong danh sách."),
        },
    )
    held_on = forms.DateField(
        label=_("Ngày tiếp"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Hãy ghi ngày tiếp."),
            "invalid": _("Ngày chưa đúng, ví dụ đúng: 07/03/2026."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        choices=CHOOSE + Reception.Kind.choices,
        error_messages={
            "required": _("Hãy chọn hình thức: tiếp định kỳ, lãnh đạo tiếp hay tiếp đột xuất."),
            "invalid_choice": _("Hãy chọn một hình thức trong danh sách."),
        },
    )
    place = TextField(
        label=_("Địa điểm"),
        max_length=300,
        help_text=_("Ví dụ: Phòng tiếp công dân, trụ sở Ủy ban nhân dân phường."),
        error_messages={"required": _("Hãy ghi địa điểm tiếp công dân.")},
    )
    presiding = PersonChoiceField(
        label=_("Người chủ trì"),
        queryset=User.objects.none(),
        empty_label=CHOOSE_LABEL,
        help_text=_("Với hình thức lãnh đạo tiếp: người đứng đầu hoặc cấp phó được ủy quyền."),
        error_messages={
            "required": _("Hãy chọn người chủ trì buổi tiếp."),
            "invalid_choice": _("Hãy chọn một cán bộ trong danh sách."),
        },
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("Cán bộ cùng tiếp"),
        required=False,
        queryset=User.objects.none(),
        widget=OfficerList,
        error_messages={"invalid_choice": _("Hãy chọn cán bộ trong danh sách.")},
    )
    note = TextField(label=_("Ghi chú"), required=False, max_length=NOTE_MAX, widget=textarea(2))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = receiving_organizations(user)
        choice_field(self, "organization").queryset = organizations
        officers = receiving_officers(organizations)
        choice_field(self, "presiding").queryset = officers
        officer_field = self.fields["officers"]
        assert isinstance(officer_field, forms.ModelMultipleChoiceField)
        officer_field.queryset = officers
        officer_field.label_from_instance = lambda person: person.get_full_name()
        if not self.is_bound:
            own = Membership.objects.filter(
                user=user, role__in=RECEIVING_ROLES, organization__in=organizations
            ).values_list("organization_id", flat=True)
            self.initial.setdefault("organization", own.first())
            self.initial.setdefault("held_on", timezone.localdate())
            self.initial.setdefault("presiding", user.pk)


# Recording a visit


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        choices=Visit.Outcome.choices,
        widget=ChoiceList,
        initial=Visit.Outcome.CASE,
        help_text=_("Tiếp nhận thành vụ việc: vụ việc vào danh sách xử lý của cơ quan, có mã số "
                    "để người dân tra cứu. Hướng dẫn: việc không cần lập vụ việc hoặc không "
                    "thuộc thẩm quyền. Từ chối tiếp: chỉ trong các trường hợp luật cho phép."),
        error_messages={
            "required": _("Hãy chọn kết quả tiếp."),
            "invalid_choice": _("Hãy chọn một kết quả trong danh sách."),
        },
    )  # fmt: skip
    visitor_name = TextField(label=_("Họ và tên"), required=False, max_length=150)
    visitor_phone = forms.CharField(
        label=_("Điện thoại"), required=False, max_length=20, widget=forms.TelInput
    )
    visitor_address = TextField(label=_("Địa chỉ"), required=False, max_length=300)
    id_number = forms.CharField(
        label=_("Số căn cước"),
        required=False,
        max_length=20,
        help_text=_("Không bắt buộc. Được mã hóa khi lưu; chỉ cán bộ của cơ quan tiếp xem được và "
                    "mỗi lần xem được ghi vào nhật ký. Với tố cáo, số này không được lưu."),
    )  # fmt: skip
    group_size = forms.IntegerField(
        label=_("Số người"),
        min_value=1,
        initial=1,
        error_messages={
            "required": _("Hãy ghi số người đến (ít nhất 1)."),
            "invalid": _("Số người phải là một số, ví dụ 1 hoặc 6."),
            "min_value": _("Số người đến ít nhất là 1; đoàn đông người thì ghi đủ số người."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Loại"),
        required=False,
        choices=CHOOSE + Kind.choices,
        error_messages={"invalid_choice": _("Hãy chọn một loại trong danh sách.")},
    )
    category = NamedChoiceField(
        label=_("Lĩnh vực"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=CHOOSE_LABEL,
        error_messages={"invalid_choice": _("Hãy chọn một lĩnh vực trong danh sách.")},
    )
    title = TextField(
        label=_("Tóm tắt"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Tóm tắt dài tối đa %(limit_value)d ký tự.")},
    )
    raised = TextField(
        label=_("Nội dung người dân trình bày"), required=False, max_length=CONTENT_MAX,
        widget=textarea(5), error_messages={"max_length": CONTENT_TOO_LONG},
    )  # fmt: skip
    refusal = RefusalChoiceField(
        label=_("Lý do từ chối tiếp"),
        required=False,
        queryset=RefusalOfReception.objects.filter(is_active=True),
        empty_label=CHOOSE_LABEL,
        help_text=_("Chỉ khi chọn “Từ chối tiếp”. Trường hợp đã giải quyết đúng pháp luật, người "
                    "đứng đầu ra thông báo từ chối tiếp."),
        error_messages={"invalid_choice": _("Hãy chọn một lý do trong danh sách.")},
    )  # fmt: skip
    note = TextField(
        label=_("Nội dung hướng dẫn, ghi chú"),
        required=False,
        max_length=NOTE_MAX,
        widget=textarea(3),
        help_text=_("Bắt buộc khi chọn “Hướng dẫn”: đã hướng dẫn, giải thích gì, chỉ người dân "
                    "đến cơ quan nào."),
    )  # fmt: skip

    def __init__(self, reception: Reception, *args, **kwargs):
        self.reception = reception
        super().__init__(*args, **kwargs)
        crowd_from = CrowdRule.threshold_on(reception.held_on)
        if crowd_from:
            self.fields["group_size"].help_text = _(
                "Từ %(count)s người trở lên là đoàn đông người."
            ) % {"count": crowd_from}

    def clean(self):
        data = super().clean()
        if self.has_error("outcome"):
            return data
        for problem in visit_problems(
            outcome=data.get("outcome", ""),
            kind=data.get("kind", ""),
            category=data.get("category"),
            title=data.get("title", ""),
            raised=data.get("raised", ""),
            visitor_name=data.get("visitor_name", ""),
            visitor_address=data.get("visitor_address", ""),
            id_number=data.get("id_number", ""),
            group_size=data.get("group_size"),
            refusal=data.get("refusal"),
            note=data.get("note", ""),
        ):
            if problem.field in self.fields and not self.has_error(problem.field):
                self.add_error(problem.field, problem.message)
        return data

    @property
    def sections(self) -> list[tuple[str | Promise, list]]:
        """The fields in the order an officer fills them, grouped under a heading each."""
        groups = [
            (_("Người đến"),
             ["visitor_name", "visitor_phone", "visitor_address", "id_number", "group_size"]),
            (_("Nội dung"), ["kind", "category", "title", "raised"]),
            (_("Kết quả"), ["outcome", "refusal", "note"]),
        ]  # fmt: skip
        return [(legend, [self[name] for name in names]) for legend, names in groups]
