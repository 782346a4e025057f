"""The first rows of the reception rule tables. Administrators change them later; the
migration that loads them adds only what is missing."""

from datetime import date

TCD = "Luật Tiếp công dân 2013"

# (code, text, legal reference): when reception may be refused.
REFUSALS = [
    ("say-mat-kiem-soat",
     "Người đang say do dùng chất kích thích, mắc bệnh tâm thần hoặc bệnh khác làm mất khả năng "
     "nhận thức, không làm chủ được hành vi", f"{TCD}, Điều 9 khoản 1"),
    ("de-doa-xuc-pham",
     "Người có hành vi đe dọa, xúc phạm cơ quan, tổ chức, người tiếp công dân, người thi hành "
     "công vụ hoặc vi phạm nội quy nơi tiếp công dân", f"{TCD}, Điều 9 khoản 2"),
    ("da-giai-quyet-dung-phap-luat",
     "Vụ việc đã được giải quyết đúng chính sách, pháp luật, đã được kiểm tra, rà soát, thông báo "
     "bằng văn bản và đã được tiếp, giải thích, hướng dẫn nhưng vẫn cố tình khiếu nại, tố cáo "
     "kéo dài", f"{TCD}, Điều 9 khoản 3"),
]  # fmt: skip

# (from how many people, from which day, legal reference): "đoàn đông người".
CROWD_RULES = [
    (5, date(2014, 7, 1),
     f"{TCD}, Điều 30; Nghị định 64/2014/NĐ-CP, Điều 6 (kiểm tra lại)"),
]  # fmt: skip
