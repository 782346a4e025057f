"""Forms of the officers' pages: the queue's filters and bulk assignment, one form per action
on a case, and intake by an officer.

Choices are limited to what the officer may use (organizations they work in, handlers of the
case's organization, refusal reasons of the case's kind), so a forged choice fails as an
invalid one; everything else is decided by `actions`.
"""

from datetime import date
from typing import cast

from django import forms
from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, Q, QuerySet, When
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from nghedan.cases.access import HANDLING_ROLES, cases_for_user, handled_organizations
from nghedan.cases.attachments import LIMITS, AttachmentsField
from nghedan.cases.deadlines import work_calendar
from nghedan.cases.models import (
    Case,
    Category,
    Channel,
    DeadlineRule,
    Kind,
    RefusalReason,
    Stage,
)
from nghedan.cases.public_forms import (
    COMMENT_MAX,
    CONTENT_MAX,
    NOTE_MAX,
    PEOPLE_COUNT_MAX,
    TextField,
)
from nghedan.lib.folding import folded
from nghedan.people.access import working_organizations
from nghedan.people.models import Organization, User
from nghedan.places import gazetteer
from nghedan.places.models import Commune

Status = Case.Status
OPEN = (Status.RECEIVED, Status.CLASSIFIED, Status.ACCEPTED, Status.VERIFYING)
CHOOSE_LABEL = _("— Chọn —")
ANY_LABEL = _("Tất cả")
ANY = [("", ANY_LABEL)]
CHOOSE = [("", CHOOSE_LABEL)]
REQUIRED_REASON = _("Hãy ghi lý do.")
CONTENT_TOO_LONG = _("Nội dung dài tối đa %(limit_value)d ký tự (đang có %(show_value)d): hãy "
                     "tóm tắt, và đính kèm bản chụp đơn cho phần còn lại.")  # fmt: skip

# The kinds of organization a case is usually forwarded to; a search by name finds any other.
FORWARD_KINDS = (
    Organization.Kind.PEOPLES_COMMITTEE,
    Organization.Kind.DEPARTMENT,
    Organization.Kind.AGENCY,
)
MAX_FORWARD_CHOICES = 100
INTAKE_CHANNELS = (
    Channel.HOTLINE,
    Channel.RECEPTION,
    Channel.LETTER,
    Channel.DIALOGUE,
    Channel.VOTER_MEETING,
    Channel.PRESS,
    Channel.GRASSROOTS,
)
SOON_WORKING_DAYS = 3
# The order a queue sorted by status follows: the life of a case, open work first.
STATUS_ORDER = [
    Status.RECEIVED,
    Status.CLASSIFIED,
    Status.ACCEPTED,
    Status.VERIFYING,
    Status.RESOLVED,
    Status.CLOSED,
    Status.REFUSED,
    Status.FORWARDED,
    Status.WITHDRAWN,
    Status.INFORMATION,
]


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class NamedChoiceField(forms.ModelChoiceField):
    """A choice shown by its name alone, whatever the model's own text."""

    def label_from_instance(self, obj):
        return getattr(obj, "name", None) or str(obj)


class PlaceChoiceField(forms.ModelChoiceField):
    """A commune with its province: two communes of one name lie in different provinces."""

    def label_from_instance(self, obj):
        return f"{obj.name}, {obj.province.name}"


class RefusalReasonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.text} ({obj.legal_reference})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class ChoiceList(forms.RadioSelect):
    """Radio buttons whose label and error link lead to the first choice."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


def choice_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def handlers_of(organizations) -> QuerySet[User]:
    """Active people who may be given a case of these organizations."""
    return User.objects.filter(
        is_active=True,
        memberships__organization__in=organizations,
        memberships__role__in=HANDLING_ROLES,
    ).distinct()


# The queue


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Mã số hoặc tóm tắt"), required=False, max_length=100, widget=forms.SearchInput
    )
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=ANY + Kind.choices)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=ANY + [("open", _("Đang xử lý (chưa xong)"))] + Status.choices,
    )
    category = NamedChoiceField(
        label=_("Lĩnh vực"),
        required=False,
        queryset=Category.objects.all(),
        to_field_name="code",
        empty_label=ANY_LABEL,
    )
    commune = NamedChoiceField(
        label=_("Xã, phường"),
        required=False,
        queryset=Commune.objects.none(),
        to_field_name="code",
        empty_label=ANY_LABEL,
    )
    organization = NamedChoiceField(
        label=_("Cơ quan xử lý (gồm cả đơn vị trực thuộc)"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=ANY_LABEL,
    )
    due = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=ANY
        + [
            ("overdue", _("Quá hạn")),
            ("soon", _("Đến hạn trong 3 ngày làm việc")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sắp xếp theo"),
        required=False,
        choices=[
            ("", _("Ngày tiếp nhận, mới nhất trước")),
            ("received", _("Ngày tiếp nhận, cũ nhất trước")),
            ("due", _("Hạn xử lý, gần nhất trước")),
            ("status", _("Trạng thái")),
        ],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = working_organizations(user)
        choice_field(self, "organization").queryset = organizations
        choice_field(self, "commune").queryset = communes_of(organizations)

    def filter(self, cases: QuerySet[Case], today: date) -> QuerySet[Case]:
        """The cases that match; `open_due` is the due date of each one's running deadline."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            cases = cases.filter(text_matches(data["q"]))
        if data.get("kind"):
            cases = cases.filter(kind=data["kind"])
        if data.get("status") == "open":
            cases = cases.filter(status__in=OPEN)
        elif data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("category"):
            cases = cases.filter(category=data["category"])
        if data.get("commune"):
            cases = cases.filter(commune=data["commune"])
        if data.get("organization"):
            cases = cases.filter(organization__path__startswith=data["organization"].path)
        cases = filter_by_due(cases, data.get("due"), today)
        return cases.order_by(*sort_order(data.get("sort")))


def text_matches(text: str) -> Q:
    """A code, or words of the title whatever their case and diacritics: "đường", "ĐƯỜNG" and
    "duong" all find "Đường Lê Lợi ngập". The title is compared folded, as stored beside it."""
    text = text.strip()
    matches = Q(code__icontains=text)
    if key := folded(text):
        matches |= Q(folded_title__contains=key)
    return matches


def communes_of(organizations: QuerySet[Organization]) -> QuerySet[Commune]:
    """The communes an officer may filter by: those of the organizations they work in, and
    every commune of the province for a province-level one. Read from the organizations, not
    from the cases, which would mean reading every case in scope on every queue page."""
    return Commune.objects.filter(
        Q(pk__in=organizations.filter(commune__isnull=False).values("commune_id"))
        | Q(province__in=organizations.filter(commune__isnull=True).values("province_id"))
    ).order_by("name")


def filter_by_due(cases: QuerySet[Case], due: str | None, today: date) -> QuerySet[Case]:
    if due == "overdue":
        return cases.filter(Q(open_due__lt=today))
    if due == "soon":
        last_day = work_calendar().add_working_days(today, SOON_WORKING_DAYS)
        return cases.filter(Q(open_due__gte=today) & Q(open_due__lte=last_day))
    return cases


def sort_order(sort: str | None) -> list:
    if sort == "received":
        return ["received_at", "pk"]
    if sort == "due":
        return [F("open_due").asc(nulls_last=True), "-received_at", "-pk"]
    if sort == "status":
        rank = SqlCase(
            *(When(status=status, then=position) for position, status in enumerate(STATUS_ORDER)),
            output_field=IntegerField(),
        )
        return [rank, "-received_at", "-pk"]
    return ["-received_at", "-pk"]


class SelectedCasesField(forms.Field):
    """The ids of the ticked rows."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Hãy đánh dấu ít nhất một vụ việc trong danh sách."),
        "invalid": _("Danh sách vụ việc đã chọn không hợp lệ; hãy tải lại trang và chọn lại."),
    }

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not all(str(item).isdigit() for item in value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(int(item) for item in value))


class BulkAssignForm(forms.Form):
    cases = SelectedCasesField()
    assignee = PersonChoiceField(
        label=_("Giao cho cán bộ"),
        queryset=User.objects.none(),
        required=False,
        empty_label=CHOOSE_LABEL,
        error_messages={"invalid_choice": _("Hãy chọn một cán bộ trong danh sách.")},
    )
    # Set by the "share in turn" button: each case goes to the handler with the fewest open ones.
    in_turn = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        choice_field(self, "assignee").queryset = handlers_of(handled_organizations(user))

    def clean(self):
        data = super().clean()
        if not data.get("in_turn") and not data.get("assignee") and "assignee" not in self.errors:
            self.add_error(
                "assignee",
                _("Hãy chọn cán bộ được giao xử lý, hoặc bấm “Chia lần lượt” để giao cho cán bộ "
                  "đang có ít vụ việc mở nhất."),
            )  # fmt: skip
        return data


# Actions on one case. Every form takes the case first; the page shows several at once, so
# the view gives each its own `auto_id`.


class CaseActionForm(forms.Form):
    def __init__(self, case: Case, *args, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)


def people_count_field(**options) -> forms.IntegerField:
    """How many people raise the matter, as officers enter it: at most what the database and
    the public form take."""
    return forms.IntegerField(
        label=_("Số người cùng nêu"),
        min_value=1,
        max_value=PEOPLE_COUNT_MAX,
        error_messages={
            "required": _("Hãy nhập số người cùng nêu (ít nhất 1)."),
            "invalid": _("Hãy nhập số người cùng nêu bằng chữ số, ví dụ 1 hoặc 15."),
            "min_value": _("Số người cùng nêu ít nhất là 1."),
            "max_value": _("Số người cùng nêu nhiều nhất là %(limit_value)s: hãy kiểm tra lại, "
                           "có thể đã nhập nhầm số điện thoại vào ô này."),
        },
        **options,
    )  # fmt: skip


class ClassifyForm(CaseActionForm):
    kind = forms.ChoiceField(label=_("Loại vụ việc"), choices=Kind.choices)
    category = NamedChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.none(),
        empty_label=CHOOSE_LABEL,
        error_messages={"required": _("Hãy chọn lĩnh vực.")},
    )
    condition = forms.ChoiceField(
        label=_("Mức độ"),
        choices=DeadlineRule.Condition.choices,
        help_text=_("Mức độ quyết định thời hạn giải quyết và số lần được gia hạn."),
    )
    people_count = people_count_field()
    reason = TextField(
        label=_("Lý do phân loại lại"),
        required=False,
        max_length=NOTE_MAX,
        widget=textarea(2),
        help_text=_("Bắt buộc khi đổi loại hoặc lĩnh vực của vụ việc đã phân loại."),
    )

    def __init__(self, case: Case, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "kind": case.kind,
                "category": case.category_id,
                "condition": case.condition,
                "people_count": case.people_count,
            },
        )
        super().__init__(case, *args, **kwargs)
        choice_field(self, "category").queryset = Category.objects.filter(
            Q(is_active=True) | Q(pk=case.category_id)
        )


class ConfirmForm(CaseActionForm):
    """An action with nothing to fill in: accept, start verifying, close."""


class RefuseForm(CaseActionForm):
    reason = RefusalReasonChoiceField(
        label=_("Lý do không thụ lý"),
        queryset=RefusalReason.objects.none(),
        empty_label=CHOOSE_LABEL,
        error_messages={
            "required": _("Hãy chọn lý do không thụ lý."),
            "invalid_choice": _(
                "Lý do này không áp dụng cho loại vụ việc này; hãy chọn một lý do trong danh sách."
            ),
        },
    )
    note = TextField(
        label=_("Ghi chú thêm"), required=False, max_length=NOTE_MAX, widget=textarea(2)
    )

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(case, *args, **kwargs)
        choice_field(self, "reason").queryset = RefusalReason.objects.filter(
            kind=case.kind, is_active=True
        )


class ForwardForm(CaseActionForm):
    """Any active organization but the present one may receive the case; the list shows the
    usual receivers, or those whose name matches the search."""

    organization = NamedChoiceField(
        label=_("Chuyển đến cơ quan"),
        queryset=Organization.objects.none(),
        empty_label=CHOOSE_LABEL,
        error_messages={
            "required": _("Hãy chọn cơ quan nhận."),
            "invalid_choice": _("Hãy chọn một cơ quan đang hoạt động trong danh sách."),
        },
    )
    note = TextField(
        label=_("Ghi chú cho cơ quan nhận"), required=False, max_length=NOTE_MAX,
        widget=textarea(2),
    )  # fmt: skip

    def __init__(self, case: Case, *args, search: str = "", **kwargs):
        super().__init__(case, *args, **kwargs)
        field = choice_field(self, "organization")
        field.queryset = Organization.objects.filter(is_active=True).exclude(
            pk=case.organization_id
        )
        chosen = self.data.get(self.add_prefix("organization"))
        shown = forward_targets(field.queryset, search, chosen)
        field.widget.choices = [("", CHOOSE_LABEL)] + [(o.pk, o.name) for o in shown]


def forward_targets(receivers: QuerySet[Organization], search: str, chosen) -> list[Organization]:
    usual = Q(name__icontains=search.strip()) if search.strip() else Q(kind__in=FORWARD_KINDS)
    if chosen and str(chosen).isdigit():
        usual |= Q(pk=chosen)
    return list(receivers.filter(usual).order_by("name")[:MAX_FORWARD_CHOICES])


class AssignForm(CaseActionForm):
    assignee = PersonChoiceField(
        label=_("Cán bộ xử lý"),
        queryset=User.objects.none(),
        empty_label=CHOOSE_LABEL,
        error_messages={
            "required": _("Hãy chọn cán bộ được giao xử lý."),
            "invalid_choice": _("Hãy chọn một cán bộ của cơ quan đang giữ vụ việc."),
        },
    )

    def __init__(self, case: Case, *args, **kwargs):
        kwargs.setdefault("initial", {"assignee": case.assignee_id})
        super().__init__(case, *args, **kwargs)
        choice_field(self, "assignee").queryset = handlers_of([case.organization_id])


class ResolveForm(CaseActionForm):
    answer = TextField(
        label=_("Kết quả giải quyết, trả lời"),
        max_length=CONTENT_MAX,
        widget=textarea(5),
        help_text=_("Lưu trong hồ sơ, gửi người có đơn; không công khai."),
        error_messages={"required": _("Hãy ghi kết quả giải quyết, trả lời.")},
    )
    published_answer = TextField(
        label=_("Nội dung công khai"),
        required=False,
        max_length=CONTENT_MAX,
        widget=textarea(4),
        help_text=_(
            "Hiện trên trang tra cứu cho mọi người xem: không ghi họ tên, địa chỉ, số điện "
            "thoại, số giấy tờ hay thông tin cá nhân nào khác. Để trống thì công khai nguyên "
            "kết quả trả lời ở trên."
        ),
    )
    # Checked here (type by content, size, count, metadata removed) and stored with the case
    # in the transaction that resolves it; never shown on the public tracking page.
    attachments = AttachmentsField(
        label=_("Tệp quyết định, kết luận, văn bản trả lời"),
        help_text=format_lazy("{} {}", _("Không bắt buộc. Bản quét hoặc tệp PDF của văn bản "
                                         "giải quyết; lưu trong hồ sơ vụ việc, không công "
                                         "khai."), LIMITS),
    )  # fmt: skip

    def __init__(self, case: Case, *args, **kwargs):
        super().__init__(case, *args, **kwargs)
        if case.kind == Kind.DENUNCIATION:
            # A conclusion is published without anything that identifies the denouncer:
            # write it on purpose rather than publish the internal answer.
            field = self.fields["published_answer"]
            field.required = True
            field.error_messages["required"] = _(
                "Tố cáo phải có nội dung công khai riêng, không có thông tin nhận ra người tố cáo."
            )
            field.help_text = _(
                "Hiện trên trang tra cứu cho mọi người xem. Đây là tố cáo: tuyệt đối không ghi "
                "họ tên người tố cáo hay bất cứ điều gì giúp nhận ra họ (địa chỉ, điện thoại, "
                "nơi làm việc, chữ viết), và không ghi thông tin cá nhân của người khác."
            )
            self.fields["attachments"].help_text = format_lazy(
                "{} {}",
                _("Không bắt buộc. Tệp của đơn tố cáo không công khai, và chỉ cán bộ được giao "
                  "xử lý mở được."),
                LIMITS,
            )  # fmt: skip


class AttachFilesForm(CaseActionForm):
    """Files a handler adds to an open case: minutes of a visit, photos of the site, letters
    exchanged with other agencies."""

    attachments = AttachmentsField(
        label=_("Tệp"),
        required=True,
        help_text=format_lazy("{} {}", _("Biên bản, ảnh hiện trường, văn bản trao đổi; lưu "
                                         "trong hồ sơ vụ việc, không công khai."), LIMITS),
    )  # fmt: skip

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if not files:
            raise forms.ValidationError(_("Hãy chọn ít nhất một tệp."), code="required")
        return files


class ReasonForm(CaseActionForm):
    """Extend the deadline or record a withdrawal: both need a written reason."""

    reason = TextField(
        label=_("Lý do"), max_length=NOTE_MAX, widget=textarea(2),
        error_messages={"required": REQUIRED_REASON},
    )  # fmt: skip


class ExtendForm(ReasonForm):
    """Extend the resolve deadline. The number of extensions the officer saw goes back with the
    form, so that an extension decided on a page opened before another one is refused rather
    than used up as well (`actions.do_extend_deadline`)."""

    seen_extensions = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Biểu mẫu không hợp lệ; hãy tải lại trang.")},
    )

    def __init__(self, case: Case, data=None, *args, **kwargs):
        if data is None:
            kwargs.setdefault("initial", {"seen_extensions": extensions_so_far(case)})
        super().__init__(case, data, *args, **kwargs)


def extensions_so_far(case: Case) -> int | None:
    running = case.deadlines.filter(stage=Stage.RESOLVE, met_on__isnull=True)
    return running.values_list("extensions", flat=True).first()


class CommentForm(CaseActionForm):
    note = TextField(
        label=_("Ý kiến"),
        max_length=COMMENT_MAX,
        widget=textarea(3),
        help_text=_("Ghi vào diễn biến của vụ việc; người dân không thấy."),
        error_messages={"required": _("Hãy nhập nội dung ý kiến.")},
    )


# Intake by an officer


class IntakeForm(forms.Form):
    """A case received by an officer, with the fields the public form has, plus the channel
    and, when routing would be wrong, the organization."""

    channel = forms.ChoiceField(
        label=_("Kênh tiếp nhận"),
        choices=CHOOSE + [(channel.value, channel.label) for channel in INTAKE_CHANNELS],
        error_messages={
            "required": _("Hãy chọn kênh đã nhận vụ việc."),
            "invalid_choice": _("Hãy chọn một kênh trong danh sách."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=CHOOSE + Kind.choices,
        error_messages={"required": _("Hãy chọn loại: phản ánh, kiến nghị, khiếu nại hay tố cáo.")},
    )
    category = NamedChoiceField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=CHOOSE_LABEL,
        error_messages={"required": _("Hãy chọn lĩnh vực.")},
    )
    title = TextField(
        label=_("Tóm tắt"),
        max_length=200,
        error_messages={"required": _("Hãy ghi tóm tắt vụ việc trong một câu.")},
    )
    description = TextField(
        label=_("Nội dung"),
        max_length=CONTENT_MAX,
        widget=textarea(6),
        error_messages={
            "required": _("Hãy ghi nội dung người dân nêu."),
            "max_length": CONTENT_TOO_LONG,
        },
    )
    address = TextField(
        label=_("Địa chỉ nơi xảy ra"),
        max_length=gazetteer.MAX_ADDRESS_LENGTH,
        help_text=_("Tên cũ hay mới đều được, ví dụ: 12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM."),
        error_messages={
            "required": _("Hãy ghi nơi xảy ra sự việc, ít nhất tên phường, xã và tỉnh, thành phố."),
            "max_length": _("Địa chỉ dài tối đa %(limit_value)d ký tự (đang có %(show_value)d)."),
        },
    )
    commune = PlaceChoiceField(
        label=_("Xã, phường nơi xảy ra"),
        required=False,
        queryset=Commune.objects.none(),
        to_field_name="code",
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _("Xã, phường đã chọn không khớp với địa chỉ; hãy chọn lại."),
        },
    )
    organization = NamedChoiceField(
        label=_("Cơ quan xử lý"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Theo quy tắc chuyển xử lý (mặc định)"),
        help_text=_("Chỉ chọn khi biết chắc cơ quan có thẩm quyền khác với mặc định."),
    )
    submitter_name = TextField(label=_("Họ và tên người gửi"), required=False, max_length=150)
    submitter_phone = forms.CharField(
        label=_("Điện thoại"), required=False, max_length=20, widget=forms.TelInput
    )
    submitter_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Địa chỉ e-mail chưa đúng, ví dụ đúng: ten@example.vn.")},
    )
    submitter_address = TextField(label=_("Địa chỉ liên hệ"), required=False, max_length=300)
    is_anonymous = forms.BooleanField(
        label=_("Người gửi không để lại danh tính (ẩn danh)"),
        required=False,
        help_text=_("Tố cáo ẩn danh không được xử lý như tố cáo mà được lưu làm thông tin."),
    )
    people_count = people_count_field(initial=1)
    received_on = forms.DateField(
        label=_("Ngày nhận đơn"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Để trống nếu nhận hôm nay. Đơn thư đến trước hôm nay: ghi ngày cơ quan "
                    "nhận đơn (ngày/tháng/năm); thời hạn tính từ ngày đó."),
        error_messages={"invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026.")},
    )  # fmt: skip
    first_instance_code = forms.CharField(
        label=_("Mã số khiếu nại lần đầu"),
        required=False,
        max_length=12,
        help_text=_("Chỉ điền khi đây là khiếu nại lần hai."),
    )
    attachments = AttachmentsField(
        label=_("Bản chụp đơn thư, ảnh, ghi âm"),
        help_text=format_lazy("{} {}", _("Với đơn thư gửi qua bưu điện, hãy đính kèm bản chụp "
                                         "hoặc bản quét của đơn và phong bì."), LIMITS),
    )  # fmt: skip

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choice_field(self, "organization").queryset = Organization.objects.filter(
            Q(kind__in=FORWARD_KINDS) | Q(pk__in=handled_organizations(user)), is_active=True
        ).order_by("name")
        self.resolution = self._resolve_address()
        self._offer_communes()

    def _resolve_address(self) -> gazetteer.Resolution | None:
        if not self.is_bound:
            return None
        address = (self.data.get(self.add_prefix("address")) or "").strip()
        if not address or len(address) > gazetteer.MAX_ADDRESS_LENGTH:
            return None
        return gazetteer.resolve(address)

    def _offer_communes(self) -> None:
        """The communes the address may mean: to choose among when it is ambiguous."""
        resolution = self.resolution
        if resolution is None or resolution.status == gazetteer.NOT_FOUND:
            return
        options = [resolution.commune, *resolution.candidates]
        field = choice_field(self, "commune")
        if resolution.status == gazetteer.AMBIGUOUS:
            field.widget = ChoiceList()
            field.empty_label = None
        field.queryset = Commune.objects.filter(pk__in=[c.pk for c in options if c]).select_related(
            "province"
        )

    def clean_received_on(self) -> date | None:
        day = self.cleaned_data["received_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(
                _("Ngày nhận đơn không thể sau hôm nay; để trống nếu nhận hôm nay."),
                code="future",
            )
        return day

    def clean_first_instance_code(self) -> Case | None:
        code = self.cleaned_data["first_instance_code"].strip().upper()
        if not code:
            return None
        first = cases_for_user(self.user).filter(code=code, kind=Kind.COMPLAINT).first()
        if first is None:
            raise forms.ValidationError(
                _("Không tìm thấy khiếu nại nào có mã số %(code)s trong các vụ việc bạn theo dõi."),
                params={"code": code},
            )
        return first

    def clean(self):
        data = super().clean()
        data["commune"] = self._commune(data.get("commune"))
        return data

    def _commune(self, chosen: Commune | None) -> Commune | None:
        resolution = self.resolution
        if resolution is None or self.has_error("commune"):
            return None
        if resolution.status == gazetteer.NOT_FOUND:
            self.add_error("address", resolution.explanation)
            return None
        if resolution.status == gazetteer.AMBIGUOUS and chosen is None:
            self.add_error(
                "commune",
                _("Địa chỉ này có thể thuộc nhiều xã, phường: hãy chọn đúng xã, phường trong "
                  "danh sách, hoặc ghi thêm tên quận, huyện cũ hay tỉnh, thành phố."),
            )  # fmt: skip
            return None
        return chosen or resolution.commune

    def submission(self) -> dict:
        """The arguments of `do_submit_case`."""
        data = self.cleaned_data
        names = (
            "kind", "channel", "category", "title", "description", "commune", "address",
            "submitter_name", "submitter_phone", "submitter_email", "submitter_address",
            "is_anonymous", "people_count", "organization", "received_on",
        )  # fmt: skip
        return {name: data[name] for name in names} | {
            "first_instance": data["first_instance_code"]
        }
