"""Cases for the Hồ Chí Minh City demo: the kind of matters a ward hears in a month, at every
step of their life, so the queue, the dashboard and the tracking page have something to show.
Made through the same actions as real work; loading twice adds nothing."""

from datetime import timedelta

from django.db import transaction

from nghedan.cases import actions, deadlines
from nghedan.cases.models import Case, CaseDeadline, Category, Kind, RefusalReason
from nghedan.people.models import Organization, User
from nghedan.places.models import Commune

SAI_GON, BEN_THANH, BINH_THANH, CU_CHI = "26740", "26743", "26929", "27553"

# (kind, category, commune, channel, title, description, contact name, phone, how far it went)
DEMO_CASES = [
    (Kind.FEEDBACK, "infrastructure", SAI_GON, "hotline",
     "Ngập nước sau mưa trên đường Tôn Đức Thắng",
     "Mỗi trận mưa lớn đoạn trước số 2 Tôn Đức Thắng ngập 30–40 cm, xe chết máy nhiều.",
     "Nguyễn Văn An", "0909123456", "resolved"),
    (Kind.FEEDBACK, "urban_order", SAI_GON, "web",
     "Quán ăn lấn chiếm toàn bộ vỉa hè đường Lê Thánh Tôn",
     "Bàn ghế bày kín vỉa hè từ 17 giờ, người đi bộ phải xuống lòng đường.",
     "Trần Thị Bích", "0912345001", "accepted"),
    (Kind.FEEDBACK, "environment", SAI_GON, "web",
     "Karaoke hát quá 22 giờ trong hẻm 45",
     "Nhà số 45/12 mở karaoke đến 1 giờ sáng nhiều đêm liền, trẻ nhỏ không ngủ được.",
     "Lê Văn Cường", "0903000111", "overdue"),
    (Kind.RECOMMENDATION, "traffic", BEN_THANH, "voter_meeting",
     "Đề nghị lắp đèn tín hiệu tại giao lộ Lê Lai – Nguyễn Thị Nghĩa",
     "Giờ cao điểm xe đi lộn xộn, học sinh qua đường rất nguy hiểm.",
     "Phạm Thị Dung", "0987654321", "classified"),
    (Kind.RECOMMENDATION, "administration", SAI_GON, "reception",
     "Đề nghị rút ngắn thời gian chỉnh lý biến động đất đai",
     "Hồ sơ nộp từ tháng trước vẫn chưa có kết quả, phải đi lại nhiều lần.",
     "Võ Minh Đức", "0938111222", "received"),
    (Kind.COMPLAINT, "land_housing", BINH_THANH, "letter",
     "Khiếu nại mức bồi thường khi thu hồi đất mở rộng hẻm",
     "Gia đình không đồng ý đơn giá bồi thường phần đất 12 m² bị thu hồi.",
     "Huỳnh Văn Phúc", "0909777888", "complained_again"),
    (Kind.DENUNCIATION, "official_conduct", SAI_GON, "reception",
     "Tố cáo cán bộ nhận tiền khi hướng dẫn hồ sơ cấp phép xây dựng",
     "Người tố cáo cho biết đã bị yêu cầu đưa tiền để hồ sơ được giải quyết nhanh.",
     "Đặng Thị Hạnh", "0977000333", "classified"),
    (Kind.FEEDBACK, "infrastructure", CU_CHI, "grassroots",
     "Đường đất ấp Bàu Tre lầy lội mùa mưa",
     "Đoạn đường dài khoảng 800 m, học sinh đi học lấm lem, xe cứu thương không vào được.",
     "Bùi Văn Hòa", "0918222333", "received"),
    (Kind.FEEDBACK, "security", BINH_THANH, "hotline",
     "Trộm cắp xe máy nhiều lần trong khu phố 5",
     "Trong tháng có ba vụ mất xe máy vào ban đêm, đề nghị tăng cường tuần tra.",
     "Ngô Thị Lan", "0933444555", "received"),
    (Kind.FEEDBACK, "labour", BEN_THANH, "press",
     "Công ty nợ lương công nhân ba tháng",
     "Khoảng 40 công nhân chưa được trả lương từ tháng 8, công ty đóng cửa văn phòng.",
     "Đỗ Văn Tâm", "0966555666", "forwarded"),
    (Kind.RECOMMENDATION, "welfare", CU_CHI, "dialogue",
     "Đề nghị xem xét hỗ trợ hộ cận nghèo có người khuyết tật",
     "Gia đình có con khuyết tật nặng, thu nhập thấp, chưa được xét hỗ trợ.",
     "Lý Văn Sang", "0944666777", "resolved"),
    (Kind.FEEDBACK, "health", SAI_GON, "web",
     "Trạm y tế phường đông người, chờ tiêm chủng lâu",
     "Sáng thứ bảy phải chờ hơn hai giờ, không có chỗ ngồi cho người già và trẻ nhỏ.",
     "Phan Thị Thu", "0901234567", "refused"),
]  # fmt: skip

STEPS = ["received", "classified", "accepted", "resolved"]
# A second-instance complaint goes to the head of the body above the one that decided the first
# (Luật Khiếu nại 2011, Điều 7): above a ward's People's Committee, the city's.
CITY_GOVERNMENT = "hcm-ubnd"


def _officer(case: Case) -> User:
    return User.objects.filter(memberships__organization=case.organization).exclude(
        memberships__role="supervisor"
    ).first() or User.objects.get(username="xuly.saigon")


def _advance(case: Case, goal: str) -> None:
    officer = _officer(case)
    if goal == "received":
        return
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition="normal", people_count=case.people_count)  # fmt: skip
    if goal == "refused":
        reason = RefusalReason.objects.filter(kind=case.kind).first()
        assert reason is not None, "the refusal reasons are seeded by a migration"
        actions.do_refuse(officer, case, reason, "Nội dung đã được trả lời tại buổi đối thoại.")
    elif goal == "forwarded":
        labour = Organization.objects.get(code="hcm-lien-doan-lao-dong")
        actions.do_forward(officer, case, labour, "Đề nghị Liên đoàn Lao động phối hợp xử lý.")
    elif goal in ("accepted", "resolved", "overdue"):
        actions.do_accept(officer, case)
        if goal == "overdue":
            past = case.deadlines.get(stage="resolve")
            CaseDeadline.objects.filter(pk=past.pk).update(
                starts_on=past.starts_on - timedelta(days=20),
                due_on=past.starts_on - timedelta(days=3),
            )
            deadlines.refresh_open_due(case)
        if goal == "resolved":
            actions.do_resolve(officer, case, answer="Đơn vị đã kiểm tra và xử lý xong; "
                               "kết quả đã thông báo cho người dân.")  # fmt: skip
            actions.do_rate(case, score=4, resolved=True, comment="Cảm ơn phường đã xử lý.")
    elif goal == "complained_again":
        actions.do_accept(officer, case)
        actions.do_resolve(officer, case, answer="Quyết định giải quyết khiếu nại lần đầu: giữ "
                           "nguyên đơn giá bồi thường đã áp dụng.")  # fmt: skip
        _complain_again(case)


def _complain_again(first: Case) -> None:
    """The complainant does not accept the ward's decision and writes to the city."""
    actions.do_submit_case(
        "dữ liệu mẫu", kind=Kind.COMPLAINT, channel="letter", category=first.category,
        title="Khiếu nại lần hai về mức bồi thường thu hồi đất mở rộng hẻm",
        description="Không đồng ý quyết định giải quyết khiếu nại lần đầu của Chủ tịch Ủy ban "
                    "nhân dân phường; đề nghị Thành phố xem xét lại đơn giá bồi thường.",
        commune=first.commune, submitter_name=first.submitter_name,
        submitter_phone=first.submitter_phone, submitter_address=first.submitter_address,
        first_instance=first, organization=Organization.objects.get(code=CITY_GOVERNMENT),
    )  # fmt: skip


@transaction.atomic
def load_demo_cases() -> None:
    communes = Commune.objects.in_bulk([row[2] for row in DEMO_CASES], field_name="code")
    for kind, category, commune, channel, title, text, name, phone, goal in DEMO_CASES:
        if Case.objects.filter(title=title).exists():
            continue
        case = actions.do_submit_case(
            "dữ liệu mẫu", kind=kind, channel=channel,
            category=Category.objects.get(code=category), title=title, description=text,
            commune=communes[commune], submitter_name=name, submitter_phone=phone,
            submitter_address=f"{communes[commune].name}, TP. Hồ Chí Minh",
        )  # fmt: skip
        _advance(case, goal)
