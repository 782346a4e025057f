"""The names people read for the engine's labels. The engine answers with codes
("chinh_tri_xa_hoi", "negative"); the case categories are named by the cases app's table."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TOPICS: dict[str, str | Promise] = {
    "chinh_tri_xa_hoi": _("Chính trị – Xã hội"),
    "doi_song": _("Đời sống"),
    "khoa_hoc": _("Khoa học"),
    "kinh_doanh": _("Kinh doanh"),
    "phap_luat": _("Pháp luật"),
    "suc_khoe": _("Sức khỏe"),
    "the_gioi": _("Thế giới"),
    "the_thao": _("Thể thao"),
    "van_hoa": _("Văn hóa"),
    "vi_tinh": _("Vi tính"),
}
SENTIMENTS: dict[str, str | Promise] = {
    "negative": _("Tiêu cực"),
    "neutral": _("Trung tính"),
    "positive": _("Tích cực"),
}
TOXICITY: dict[str, str | Promise] = {"toxic": _("Độc hại"), "not_toxic": _("Không độc hại")}
CONSTRUCTIVENESS: dict[str, str | Promise] = {
    "constructive": _("Có tính xây dựng"),
    "not_constructive": _("Không có tính xây dựng"),
}
MODERATION: dict[str, str | Promise] = {
    "clean": _("Bình thường"),
    "offensive": _("Xúc phạm"),
    "hate": _("Thù ghét"),
}
BY_FIELD = {
    "topic": TOPICS,
    "sentiment": SENTIMENTS,
    "toxicity": TOXICITY,
    "constructiveness": CONSTRUCTIVENESS,
    "moderation": MODERATION,
}
FIELD_TITLES: dict[str, str | Promise] = {
    "topic": _("Chủ đề"),
    "sentiment": _("Sắc thái"),
    "toxicity": _("Độc hại"),
    "constructiveness": _("Tính xây dựng"),
    "moderation": _("Kiểm duyệt"),
    "category": _("Lĩnh vực"),
}


def label_name(field: str, code: str, categories: dict[str, str] | None = None) -> str:
    """The name of a label; an unknown code (a retrained model's new label) as it is."""
    if field == "category":
        return (categories or {}).get(code, code)
    return str(BY_FIELD.get(field, {}).get(code, code))
