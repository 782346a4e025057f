"""The citizen's forms: sending a matter, finding it by code, rating the answer, asking again.

The forms check what a person typed; `actions` decide what the law allows. A form never
shows what a case holds about the person who sent it, it only compares.
"""

import hashlib
import hmac
import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from nghedan.cases import rule_cache
from nghedan.cases.actions import CODE_ALPHABET
from nghedan.cases.attachments import LIMITS, AttachmentsField
from nghedan.cases.models import PHONE_PATTERN, Case, Category, Kind, is_phone, phone_digits
from nghedan.lib.plain_text import visible_text
from nghedan.lib.refusal import Refused
from nghedan.places import gazetteer
from nghedan.places.models import Commune

DESCRIPTION_MAX = 5000
NOTE_MAX = 2000  # a reason, a note: a paragraph
# What officers and other systems enter, on the pages and in the JSON API alike: a petition's
# content or an answer of about four typed pages (a longer letter is kept as its scan), and a
# comment on the timeline.
CONTENT_MAX = 10_000
COMMENT_MAX = 5000
PEOPLE_COUNT_MAX = 100_000
# 1.000 or 10 000: Vietnamese writes thousands with a dot or a space.
THOUSANDS = re.compile(r"\d{1,3}(?:[. ]\d{3})+")

KIND_EXPLANATIONS = {
    Kind.FEEDBACK: _(
        "Báo cho cơ quan biết một việc chưa ổn: đường hư, ngập nước, lấn chiếm vỉa hè, "
        "tiếng ồn, thái độ cán bộ."
    ),
    Kind.RECOMMENDATION: _("Đề xuất cơ quan làm thêm hoặc sửa một việc cho tốt hơn."),
    Kind.COMPLAINT: _(
        "Đề nghị xem lại một quyết định hoặc việc làm của cơ quan, cán bộ đã làm ảnh hưởng "
        "đến quyền lợi của chính bạn. Phải ghi họ tên và địa chỉ."
    ),
    Kind.DENUNCIATION: _(
        "Báo một việc làm trái pháp luật của cán bộ, cơ quan. Phải ghi họ tên và địa chỉ; "
        "danh tính của bạn được giữ bí mật."
    ),
}

CONTACT_FIELDS = ("submitter_name", "submitter_phone", "submitter_email", "submitter_address")

# Letters that never appear in a code but are easily typed for the digits they look like.
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{8}}")
CODE_SEPARATORS = re.compile(r"[\s\-‐‑–—._]+")


AMBIGUOUS_PLACE = _(
    "Địa chỉ này có thể thuộc nhiều xã, phường. Hãy chọn đúng xã, phường trong danh sách bên "
    "dưới, hoặc ghi thêm tên quận, huyện cũ hay tỉnh, thành phố."
)
UNKNOWN_PLACE = _(
    "Chưa nhận ra phường, xã trong địa chỉ này. Hãy ghi tên phường, xã (cũ hoặc mới) và tỉnh, "
    "thành phố, ví dụ “P. Bến Nghé, Q.1, TP.HCM” hoặc “Phường Sài Gòn, TP Hồ Chí Minh”."
)
COMPLAINT_NOT_ANONYMOUS = _(
    "Khiếu nại không gửi ẩn danh được: người khiếu nại phải ghi rõ họ tên, địa chỉ (Luật Khiếu "
    "nại 2011 Điều 8). Hãy bỏ chọn “Gửi ẩn danh” và ghi họ tên, địa chỉ."
)
PHONE_DIGITS_MESSAGE = _("Số điện thoại gồm 9–15 chữ số, ví dụ 0909 123 456.")
IDENTITY_MISSING = {
    "submitter_name": _("Hãy ghi họ và tên của bạn."),
    "submitter_address": _("Hãy ghi địa chỉ liên hệ của bạn."),
}
COMPLAINANT_UNNAMED = _(
    "Khiếu nại phải ghi rõ họ tên và địa chỉ của người khiếu nại (Luật Khiếu nại 2011 Điều 8)."
)
DENOUNCER_UNNAMED = _(
    "Tố cáo phải ghi rõ họ tên và địa chỉ của người tố cáo (Luật Tố cáo 2018 Điều 23). Nếu "
    "không muốn ghi, hãy chọn “Gửi ẩn danh”: khi đó nội dung chỉ được lưu làm thông tin, không "
    "được giải quyết như một tố cáo."
)


def normalize_code(text: str) -> str | None:
    """'7k3m 9qxa', '7K3M9QXA' and '7K3M-9QXA' all give '7K3M-9QXA'; None if it cannot be one."""
    raw = CODE_SEPARATORS.sub("", text or "").upper().translate(LOOK_ALIKES)
    if not CODE_PATTERN.fullmatch(raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


def contact_key(contact: str) -> str:
    """A contact as a rate-limit key: compared, counted, never stored as written."""
    return hashlib.sha256(contact.encode()).hexdigest()[:32]


class TextField(forms.CharField):
    """Text as the person meant it: composed (NFC), without control characters or invisible
    marks, before it is required or measured, so that a zero-width space is not a title and a
    decomposed letter is not counted twice."""

    default_error_messages = {
        "max_length": _("Dài tối đa %(limit_value)d ký tự (đang có %(show_value)d): hãy rút gọn."),
    }

    def to_python(self, value):
        text = super().to_python(value)
        return visible_text(text) if text else text

    def widget_attrs(self, widget):
        """No maxlength on a text area: a browser cuts a longer paste without a word, while the
        form keeps all of it and says how much to shorten."""
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Textarea):
            attrs.pop("maxlength", None)
        return attrs


class CountField(forms.IntegerField):
    """A number of people, also written with thousands separators ("1.000", "10 000"), which
    the plain field would read as 1 and 10 or refuse."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if THOUSANDS.fullmatch(value):
                value = re.sub(r"[. ]", "", value)
            elif "." in value or "," in value:  # a part of a person, or "1.00" read as 1
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ActiveCategoryField(forms.ModelChoiceField):
    """Chosen among the categories in use, read from the process's rule cache: a submission
    does not query the category again."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = rule_cache.active_category(str(value))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": value},
            )  # fmt: skip
        return found


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Bạn muốn gửi"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn một trong bốn loại: phản ánh, kiến nghị, khiếu nại, tố cáo."),
            "invalid_choice": _("Hãy chọn một trong bốn loại: phản ánh, kiến nghị, khiếu nại, "
                                "tố cáo."),
        },
    )  # fmt: skip
    category = ActiveCategoryField(
        label=_("Lĩnh vực"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("— Chọn lĩnh vực —"),
        error_messages={
            "required": _("Hãy chọn lĩnh vực gần nhất; nếu không thấy, chọn “Khác”."),
            "invalid_choice": _("Lĩnh vực này không còn dùng. Hãy chọn lại trong danh sách."),
        },
    )
    address = TextField(
        label=_("Nơi xảy ra sự việc"),
        max_length=gazetteer.MAX_ADDRESS_LENGTH,
        help_text=_("Số nhà, đường, phường hoặc xã (tên cũ hay tên mới đều được), tỉnh, "
                    "thành phố. Ví dụ: “12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM”."),
        error_messages={
            "required": _("Hãy ghi nơi xảy ra sự việc, ít nhất tên phường, xã và tỉnh, thành phố."),
            "max_length": _("Địa chỉ dài tối đa %(limit_value)d ký tự (đang có %(show_value)d). "
                            "Chỉ cần số nhà, đường, phường, xã và tỉnh, thành phố."),
        },
    )  # fmt: skip
    # The commune chosen among the candidates, kept (hidden) when the form comes back.
    commune = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    title = TextField(
        label=_("Tóm tắt"),
        max_length=200,
        help_text=_("Một câu ngắn, ví dụ “Ngập nước đường Lê Lợi sau mỗi trận mưa”."),
        error_messages={
            "required": _("Hãy tóm tắt sự việc trong một câu ngắn."),
            "max_length": _("Tóm tắt dài tối đa %(limit_value)d ký tự (đang có %(show_value)d). "
                            "Phần chi tiết hãy ghi ở ô Nội dung."),
        },
    )  # fmt: skip
    description = TextField(
        label=_("Nội dung"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Việc gì, từ khi nào, ảnh hưởng ra sao, bạn đề nghị gì. "
                    "Tối đa 5.000 ký tự."),
        error_messages={
            "required": _("Hãy ghi nội dung sự việc."),
            "max_length": _("Nội dung dài tối đa %(limit_value)d ký tự (đang có %(show_value)d). "
                            "Hãy rút gọn, chỉ giữ những điều chính."),
        },
    )  # fmt: skip
    people_count = CountField(
        label=_("Số người cùng nêu ý kiến này"),
        min_value=1,
        max_value=PEOPLE_COUNT_MAX,
        initial=1,
        help_text=_("Để 1 nếu chỉ mình bạn gửi."),
        error_messages={
            "required": _("Hãy ghi số người cùng nêu ý kiến, ít nhất là 1."),
            "invalid": _("Hãy ghi một số, ví dụ 1, 15 hoặc 1.000."),
            "min_value": _("Số người ít nhất là 1."),
            "max_value": _("Số người nhiều nhất là %(limit_value)s."),
        },
    )
    submitter_name = TextField(
        label=_("Họ và tên"),
        max_length=150,
        required=False,
        error_messages={"max_length": _("Họ và tên dài tối đa %(limit_value)d ký tự.")},
    )
    submitter_phone = forms.RegexField(
        label=_("Số điện thoại"),
        regex=PHONE_PATTERN,
        max_length=20,
        required=False,
        error_messages={
            "invalid": PHONE_DIGITS_MESSAGE,
            "max_length": PHONE_DIGITS_MESSAGE,
        },
    )
    submitter_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("E-mail chưa đúng dạng, ví dụ ten@example.vn.")},
    )
    submitter_address = TextField(
        label=_("Địa chỉ liên hệ"),
        max_length=300,
        required=False,
        help_text=_("Nơi cơ quan gửi văn bản trả lời cho bạn."),
        error_messages={"max_length": _("Địa chỉ liên hệ dài tối đa %(limit_value)d ký tự.")},
    )
    is_anonymous = forms.BooleanField(label=_("Gửi ẩn danh"), required=False)
    attachments = AttachmentsField(
        label=_("Ảnh, tệp PDF, ghi âm (không bắt buộc)"),
        help_text=format_lazy("{} {}", _("Ảnh chụp hiện trường, giấy tờ, đơn viết tay hoặc "
                                         "đoạn ghi âm."), LIMITS),
    )  # fmt: skip
    # Left empty by people; filled by robots that fill every field.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place: Commune | None = None
        self.resolution: gazetteer.Resolution | None = None
        self.suggestions: list[Commune] = []
        autocomplete = {
            "submitter_name": "name", "submitter_phone": "tel", "submitter_email": "email",
            "submitter_address": "street-address",
        }  # fmt: skip
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["submitter_phone"].widget.input_type = "tel"
        self.fields["submitter_phone"].widget.attrs["inputmode"] = "tel"
        self.fields["people_count"].widget.attrs["inputmode"] = "numeric"

    # --- groups of fields, for the template ---------------------------------------------

    def kind_choices(self) -> list[dict]:
        chosen = self["kind"].value()
        return [
            {"value": kind.value, "label": kind.label, "explanation": KIND_EXPLANATIONS[kind],
             "checked": kind.value == chosen}
            for kind in Kind
        ]  # fmt: skip

    def category_fields(self):
        return [self["category"]]

    def place_fields(self):
        return [self["address"]]

    def content_fields(self):
        return [self["title"], self["description"], self["people_count"]]

    def attachment_fields(self):
        return [self["attachments"]]

    def contact_fields(self):
        return [self[name] for name in CONTACT_FIELDS]

    # --- validation ---------------------------------------------------------------------

    def clean_submitter_phone(self) -> str:
        phone = self.cleaned_data["submitter_phone"]
        if phone and not is_phone(phone):
            raise forms.ValidationError(PHONE_DIGITS_MESSAGE, code="invalid")
        return phone

    def clean(self):
        data = super().clean()
        if data.get("address"):
            self.place = self.find_place(data["address"], data.get("commune", ""))
        self.check_anonymity(data)
        return data

    def find_place(self, address: str, chosen_code: str) -> Commune | None:
        """The commune the address resolves to, or the one the person chose among the
        candidates; otherwise say why and offer what we know."""
        resolution = gazetteer.resolve(address)
        possible = [c for c in [resolution.commune, *resolution.candidates] if c]
        chosen = next((c for c in possible if chosen_code and c.code == chosen_code), None)
        if chosen or resolution.status == gazetteer.FOUND:
            return chosen or resolution.commune
        self.resolution = resolution
        if resolution.status == gazetteer.AMBIGUOUS:
            self.add_error("address", AMBIGUOUS_PLACE)
        else:
            self.suggestions = gazetteer.suggest(address)
            self.add_error("address", UNKNOWN_PLACE)
        return None

    def check_anonymity(self, data: dict) -> None:
        """A complaint, and a denunciation not sent anonymously, name their sender: the
        missing name or address is pointed out beside its own field."""
        kind, anonymous = data.get("kind"), data.get("is_anonymous")
        if kind == Kind.COMPLAINT and anonymous:
            self.add_error("is_anonymous", COMPLAINT_NOT_ANONYMOUS)
            return
        if kind not in (Kind.COMPLAINT, Kind.DENUNCIATION) or anonymous:
            return
        missing = [name for name in IDENTITY_MISSING if not data.get(name)]
        if missing:
            unnamed = COMPLAINANT_UNNAMED if kind == Kind.COMPLAINT else DENOUNCER_UNNAMED
            self.add_error(None, unnamed)
        for name in missing:
            if name not in self.errors:
                self.add_error(name, IDENTITY_MISSING[name])

    # --- what the view needs ------------------------------------------------------------

    def is_from_a_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def wants_anonymity(self) -> bool:
        return bool(self.cleaned_data["is_anonymous"])

    def contact(self) -> dict[str, str]:
        """The person's identity and contact as given; nothing when they chose anonymity."""
        if self.wants_anonymity():
            return dict.fromkeys(CONTACT_FIELDS, "")
        return {name: self.cleaned_data[name].strip() for name in CONTACT_FIELDS}

    def can_be_answered(self) -> bool:
        """Whether the agency can write back by e-mail or text message."""
        contact = self.contact()
        return bool(contact["submitter_phone"] or contact["submitter_email"])

    def contact_keys(self) -> list[str]:
        contact = self.contact()
        phone = phone_digits(contact["submitter_phone"])
        email = contact["submitter_email"].lower()
        return [contact_key(value) for value in (phone, email) if value]

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"], "category": data["category"], "title": data["title"].strip(),
            "description": data["description"].strip(), "commune": self.place,
            "address": data["address"].strip(), "people_count": data["people_count"],
            "is_anonymous": self.wants_anonymity(), **self.contact(),
        }  # fmt: skip

    def show_refusal(self, refusal: Refused) -> None:
        """Put an action's message beside the field it concerns, or at the top."""
        field = {"commune": "address"}.get(refusal.field or "", refusal.field)
        self.add_error(field if field in self.fields else None, refusal.message)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Mã số"),
        max_length=20,
        help_text=_("Mã số gồm 8 chữ và số, ví dụ 7K3M-9QXA; có hay không có dấu gạch đều được."),
        error_messages={
            "required": _("Hãy nhập mã số bạn nhận được khi gửi, ví dụ 7K3M-9QXA."),
            "max_length": _("Mã số chỉ có 8 chữ và số, ví dụ 7K3M-9QXA."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autocomplete="off", autocapitalize="characters", spellcheck="false"
        )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("Mã số chưa đúng: mã gồm 8 chữ và số, ví dụ 7K3M-9QXA. Hãy kiểm tra lại."),
                code="invalid",
            )
        return code


# --- rating and asking again: only the person who sent it ---------------------------------

ACCOUNT, CONTACT, NOBODY = "account", "contact", "nobody"


def sender_proof(case: Case) -> str:
    """How the person who sent a case shows it is theirs: their account, the phone or e-mail
    they wrote, or not at all (an anonymous matter, or a denunciation sent without an account,
    whose contact is sealed away from the case)."""
    if case.submitted_by_id:
        return ACCOUNT
    if case.kind == Kind.DENUNCIATION or not (case.submitter_phone or case.submitter_email):
        return NOBODY
    return CONTACT


def contact_matches(case: Case, contact: str) -> bool:
    contact = contact.strip()
    phone = phone_digits(contact)
    matches_phone = (
        bool(case.submitter_phone)
        and len(phone) >= 9
        and hmac.compare_digest(phone, phone_digits(case.submitter_phone))
    )
    matches_email = bool(case.submitter_email) and hmac.compare_digest(
        contact.lower().encode(), case.submitter_email.lower().encode()
    )
    return matches_phone or matches_email


def sender_problem(case: Case, user, contact: str) -> str | None:
    """Why this person may not rate or reopen the case, or None if they sent it."""
    proof = sender_proof(case)
    if proof == ACCOUNT:
        if user.is_authenticated and user.pk == case.submitted_by_id:
            return None
        return str(_("Ý kiến này được gửi từ một tài khoản. Hãy đăng nhập đúng tài khoản đó "
                     "để đánh giá hoặc đề nghị xem xét lại."))  # fmt: skip
    if proof == NOBODY:
        return str(nobody_can_prove(case))
    if contact_matches(case, contact):
        return None
    return str(_("Số điện thoại hoặc e-mail không khớp với thông tin đã ghi khi gửi. Hãy nhập "
                 "đúng số điện thoại hoặc e-mail bạn đã ghi lúc gửi ý kiến này."))  # fmt: skip


def nobody_can_prove(case: Case):
    if case.kind == Kind.DENUNCIATION:
        return _("Để giữ bí mật danh tính người tố cáo, thông tin liên lạc và tài khoản của "
                 "người gửi không được lưu cùng vụ việc, nên không thể đánh giá trên trang này; "
                 "bạn có thể liên hệ trực tiếp cơ quan xử lý.")  # fmt: skip
    return _("Ý kiến này được gửi ẩn danh nên không xác nhận được người gửi; không thể đánh giá "
             "hay đề nghị xem xét lại trên trang này.")  # fmt: skip


class SenderForm(forms.Form):
    """A form only the person who sent the case may use; asks for their phone or e-mail when
    that is how they prove it."""

    contact = TextField(
        label=_("Số điện thoại hoặc e-mail bạn đã ghi khi gửi"),
        max_length=254,
        required=False,
        error_messages={
            "required": _("Hãy nhập số điện thoại hoặc e-mail bạn đã ghi khi gửi ý kiến này."),
            "max_length": _("Hãy nhập một số điện thoại hoặc một địa chỉ e-mail."),
        },
    )

    def __init__(self, case: Case, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        if sender_proof(case) != CONTACT:
            del self.fields["contact"]
        else:
            self.fields["contact"].required = True
            self.fields["contact"].widget.attrs["autocomplete"] = "off"

    def choice_fields(self):
        return [field for field in self if isinstance(field.field.widget, forms.RadioSelect)]

    def other_fields(self):
        return [field for field in self if not isinstance(field.field.widget, forms.RadioSelect)]

    def clean(self):
        data = super().clean()
        if "contact" in self.errors:
            return data
        problem = sender_problem(self.case, self.user, data.get("contact", ""))
        if problem:
            self.add_error("contact" if "contact" in self.fields else None, problem)
        return data

    def show_refusal(self, refusal: Refused) -> None:
        self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)


SCORES = [
    ("5", _("5 sao — Rất hài lòng")),
    ("4", _("4 sao — Hài lòng")),
    ("3", _("3 sao — Bình thường")),
    ("2", _("2 sao — Không hài lòng")),
    ("1", _("1 sao — Rất không hài lòng")),
]
YES_NO = [("yes", _("Đã được giải quyết")), ("no", _("Chưa được giải quyết"))]


class RateForm(SenderForm):
    prefix = "rate"
    field_order = ["score", "resolved", "comment", "contact"]

    score = forms.TypedChoiceField(
        label=_("Bạn hài lòng với câu trả lời ở mức nào?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn từ 1 đến 5 sao."),
                        "invalid_choice": _("Hãy chọn từ 1 đến 5 sao.")},
    )  # fmt: skip
    resolved = forms.TypedChoiceField(
        label=_("Vấn đề đã được giải quyết chưa?"),
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy cho biết vấn đề đã được giải quyết hay chưa."),
                        "invalid_choice": _("Hãy cho biết vấn đề đã được giải quyết hay chưa.")},
    )  # fmt: skip
    comment = TextField(
        label=_("Ý kiến thêm (không bắt buộc)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Ý kiến dài tối đa %(limit_value)d ký tự.")},
    )


class ReopenForm(SenderForm):
    prefix = "reopen"
    field_order = ["reason", "contact"]

    reason = TextField(
        label=_("Vì sao bạn chưa hài lòng?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nội dung này hiện trên trang tra cứu; đừng ghi họ tên, số điện thoại hay "
                    "địa chỉ của bạn."),
        error_messages={
            "required": _("Hãy cho biết vì sao bạn chưa hài lòng với kết quả."),
            "max_length": _("Lý do dài tối đa %(limit_value)d ký tự."),
        },
    )  # fmt: skip
