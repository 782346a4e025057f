"""The first rows of the rule tables, from DOMAIN.md. Administrators change them later; the
migration that loads them adds only what is missing."""

CATEGORIES = [
    ("land_housing", "Đất đai, nhà ở",
     "quyền sử dụng đất, bồi thường tái định cư, xây dựng trái phép, giấy phép xây dựng"),
    ("environment", "Môi trường, vệ sinh",
     "rác thải, mùi hôi, tiếng ồn nhà máy, kênh rạch ô nhiễm, cây xanh"),
    ("urban_order", "Trật tự đô thị",
     "lấn chiếm vỉa hè, buôn bán hàng rong, bảng hiệu, tiếng ồn karaoke"),
    ("traffic", "Giao thông", "ùn tắc, đèn tín hiệu, xe buýt, đỗ xe, giao lộ nguy hiểm"),
    ("infrastructure", "Hạ tầng",
     "đường hư, ổ gà, thoát nước và ngập nước, đèn đường, cấp nước, điện"),
    ("administration", "Thủ tục hành chính",
     "thủ tục, giấy tờ, chậm trễ, sai lệch dữ liệu, cổng dịch vụ công"),
    ("health", "Y tế", "trạm y tế, bệnh viện, bảo hiểm y tế, an toàn thực phẩm, dịch bệnh"),
    ("education", "Giáo dục", "trường học, học phí, tuyển sinh, dạy thêm"),
    ("labour", "Lao động, việc làm, tiền lương",
     "nợ lương, bảo hiểm xã hội, cắt giảm lao động, ngừng việc tập thể"),
    ("welfare", "An sinh xã hội",
     "hộ nghèo, cận nghèo, người cao tuổi, người khuyết tật, cứu trợ"),
    ("security", "An ninh, trật tự", "trộm cắp, băng nhóm, ma túy, lừa đảo, phòng cháy chữa cháy"),
    ("official_conduct", "Cán bộ, công chức",
     "thái độ, nhũng nhiễu, dấu hiệu tham nhũng, lạm quyền"),
    ("other", "Khác", "các vấn đề khác"),
]  # fmt: skip

KN = "Luật Khiếu nại 2011"
TC = "Luật Tố cáo 2018"
TCD = "Luật Tiếp công dân 2013"
HCM_1022 = "Quy chế tiếp nhận, xử lý phản ánh qua Tổng đài 1022 TP.HCM (kiểm tra lại)"

# (kind, stage, condition, days, basis, max extensions, extension days, legal reference)
DEADLINE_RULES = [
    ("feedback", "receive", "normal", 10, "working", 0, 0, f"{TCD}, Điều 28"),
    ("feedback", "resolve", "normal", 5, "working", 0, 0, HCM_1022),
    ("recommendation", "receive", "normal", 10, "working", 0, 0, f"{TCD}, Điều 28"),
    ("recommendation", "resolve", "normal", 5, "working", 0, 0, HCM_1022),
    ("complaint", "receive", "normal", 10, "working", 0, 0, f"{KN}, Điều 27"),
    ("complaint", "accept", "normal", 10, "working", 0, 0, f"{KN}, Điều 27"),
    ("complaint", "resolve", "normal", 30, "calendar", 0, 0, f"{KN}, Điều 28"),
    ("complaint", "resolve", "complex", 45, "calendar", 0, 0, f"{KN}, Điều 28"),
    ("complaint", "resolve", "remote", 45, "calendar", 0, 0, f"{KN}, Điều 28"),
    ("complaint", "resolve", "complex_remote", 60, "calendar", 0, 0, f"{KN}, Điều 28"),
    # Especially complex, or to be verified at several units, is complex at the least.
    ("complaint", "resolve", "especially_complex", 45, "calendar", 0, 0, f"{KN}, Điều 28"),
    ("complaint", "resolve", "several_places", 45, "calendar", 0, 0, f"{KN}, Điều 28"),
    ("complaint_second", "receive", "normal", 10, "working", 0, 0, f"{KN}, Điều 36"),
    ("complaint_second", "accept", "normal", 10, "working", 0, 0, f"{KN}, Điều 36"),
    ("complaint_second", "resolve", "normal", 45, "calendar", 0, 0, f"{KN}, Điều 37"),
    ("complaint_second", "resolve", "complex", 60, "calendar", 0, 0, f"{KN}, Điều 37"),
    ("complaint_second", "resolve", "remote", 60, "calendar", 0, 0, f"{KN}, Điều 37"),
    ("complaint_second", "resolve", "complex_remote", 70, "calendar", 0, 0, f"{KN}, Điều 37"),
    ("complaint_second", "resolve", "especially_complex", 60, "calendar", 0, 0, f"{KN}, Điều 37"),
    ("complaint_second", "resolve", "several_places", 60, "calendar", 0, 0, f"{KN}, Điều 37"),
    ("denunciation", "receive", "normal", 7, "working", 0, 0, f"{TC}, Điều 24"),
    ("denunciation", "receive", "several_places", 10, "working", 0, 0, f"{TC}, Điều 24"),
    ("denunciation", "accept", "normal", 5, "working", 0, 0, f"{TC}, Điều 29"),
    ("denunciation", "resolve", "normal", 30, "calendar", 0, 0, f"{TC}, Điều 30"),
    ("denunciation", "resolve", "complex", 30, "calendar", 1, 30, f"{TC}, Điều 30"),
    ("denunciation", "resolve", "especially_complex", 30, "calendar", 2, 30, f"{TC}, Điều 30"),
    # Verification in two or more places makes a denunciation complex (NĐ 31/2019); remoteness
    # adds nothing for a denunciation, so complex and remote is complex.
    ("denunciation", "resolve", "several_places", 30, "calendar", 1, 30,
     f"{TC}, Điều 30; Nghị định 31/2019/NĐ-CP"),
    ("denunciation", "resolve", "complex_remote", 30, "calendar", 1, 30, f"{TC}, Điều 30"),
]  # fmt: skip

# (code, kind, text, legal reference)
REFUSAL_REASONS = [
    ("kn-van-ban-noi-bo", "complaint",
     "Khiếu nại quyết định hành chính, hành vi hành chính trong nội bộ cơ quan để chỉ đạo, "
     "điều hành; văn bản quy phạm pháp luật; bí mật nhà nước", f"{KN}, Điều 11 khoản 1"),
    ("kn-khong-lien-quan", "complaint",
     "Quyết định, hành vi bị khiếu nại không liên quan trực tiếp đến quyền, lợi ích hợp pháp "
     "của người khiếu nại", f"{KN}, Điều 11 khoản 2"),
    ("kn-khong-nang-luc", "complaint",
     "Người khiếu nại không có năng lực hành vi dân sự đầy đủ mà không có người đại diện "
     "hợp pháp", f"{KN}, Điều 11 khoản 3"),
    ("kn-khong-chu-ky", "complaint",
     "Đơn khiếu nại không có chữ ký hoặc điểm chỉ của người khiếu nại", f"{KN}, Điều 11 khoản 5"),
    ("kn-het-thoi-hieu", "complaint", "Thời hiệu khiếu nại đã hết mà không có lý do chính đáng",
     f"{KN}, Điều 11 khoản 6"),
    ("kn-da-co-lan-hai", "complaint", "Khiếu nại đã có quyết định giải quyết khiếu nại lần hai",
     f"{KN}, Điều 11 khoản 7"),
    ("kn-toa-an-thu-ly", "complaint",
     "Việc khiếu nại đã được Tòa án thụ lý hoặc đã được giải quyết bằng bản án, quyết định "
     "của Tòa án", f"{KN}, Điều 11 khoản 9"),
    ("tc-khong-tham-quyen", "denunciation",
     "Nội dung tố cáo không thuộc thẩm quyền giải quyết của cơ quan", f"{TC}, Điều 29"),
    ("tc-khong-ro-vi-pham", "denunciation",
     "Nội dung tố cáo không có cơ sở để xác định người vi phạm, hành vi vi phạm pháp luật",
     f"{TC}, Điều 29"),
    ("tc-khong-nang-luc", "denunciation", "Người tố cáo không có năng lực hành vi dân sự",
     f"{TC}, Điều 29"),
    ("pa-da-giai-quyet", "feedback",
     "Nội dung đã được cơ quan có thẩm quyền xem xét, trả lời đúng pháp luật", f"{TCD}, Điều 9"),
    ("kn-kien-nghi-da-giai-quyet", "recommendation",
     "Nội dung đã được cơ quan có thẩm quyền xem xét, trả lời đúng pháp luật", f"{TCD}, Điều 9"),
]  # fmt: skip


def add_missing_rules(DeadlineRule) -> None:
    """Store each rule above that the table lacks; rows an administrator made or changed are
    left as they are. Called by the migrations with their historical model."""
    for (
        kind,
        stage,
        condition,
        days,
        basis,
        extensions,
        extension_days,
        reference,
    ) in DEADLINE_RULES:
        DeadlineRule.objects.get_or_create(
            kind=kind, stage=stage, condition=condition,
            defaults={"days": days, "basis": basis, "max_extensions": extensions,
                      "extension_days": extension_days, "legal_reference": reference},
        )  # fmt: skip
