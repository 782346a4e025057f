"""Shared pieces of the insight tests: sample files in every format, and an engine stand-in
for the tests that need labels the committed models may not give."""

from nghedan.insight.actions import ImportOptions, do_import_texts
from nghedan.insight.imports import parse
from nghedan.insight.models import Source
from nghedan.vitext.result import (
    Analysis,
    Label,
    OrganizationMention,
    PersonMention,
    PlaceMention,
    Position,
    Span,
)

NEWS_FILE = """date 2023-05
Phường Sài Gòn ra quân chỉnh trang vỉa hè
Sáng nay, Ủy ban nhân dân phường Sài Gòn ra quân lập lại trật tự vỉa hè trên đường Nguyễn Huệ.
Người dân đồng tình với việc làm này.
NGUYỄN VĂN AN
"""

JSONL_FILE = "\n".join(
    [
        '{"text": "Đường Lê Lợi ngập sâu sau cơn mưa chiều qua.", "title": "Ngập ở Lê Lợi",'
        ' "date": "2024-09-12", "author": "Trần Bình", "url": "https://example.vn/a1"}',
        '{"text": "Bình luận: cần nạo vét cống ngay.", "kind": "comment"}',
        "{not json",
        '{"title": "Không có nội dung"}',
        '{"text": "Ngày sai.", "date": "31/02/2024"}',
        "",
        '{"text": "Đường Lê Lợi ngập sâu sau cơn mưa chiều qua."}',
    ]
)

CSV_FILE = (
    "\ufefftext,title,date,author,kind\n"
    '"Khu phố 3 đề nghị lắp đèn chiếu sáng hẻm 12.",Đèn hẻm,05/03/2024,Tổ dân phố 3,grassroots\n'
    ",Thiếu nội dung,2024-03-05,,\n"
    '"Bãi rác tự phát ở chân cầu gây ô nhiễm.",Rác,2024-03,,news\n'
    '"Văn bản loại lạ.",,,,thư tay\n'
)

RSS_FILE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Báo mẫu</title>
<item><title>Khánh thành cầu mới</title><link>https://example.vn/cau</link>
<description>&lt;p&gt;Cầu mới nối hai bờ kênh đã thông xe.&lt;/p&gt;</description>
<pubDate>Tue, 05 Mar 2024 08:00:00 +0700</pubDate><dc:creator>Lê Hoa</dc:creator></item>
<item><title>Mục trống</title><description></description></item>
<item><title>Tin thứ ba</title><description>Trường học mới khai giảng năm học.</description>
<link>ftp://example.vn/x</link></item>
</channel></rss>
"""

ATOM_FILE = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom mẫu</title>
<entry><title>Hội nghị đối thoại</title><link href="https://example.vn/doi-thoai"/>
<published>2024-06-01T20:30:00Z</published><author><name>Phạm Thu</name></author>
<content type="html">Lãnh đạo phường đối thoại với người dân về dự án.</content></entry>
</feed>
"""


def import_content(content: str | bytes, fmt: str, actor="kiểm thử", **options):
    raw = content.encode() if isinstance(content, str) else content
    parsed = parse(raw, fmt, f"sample.{fmt}")
    return do_import_texts(actor, parsed, ImportOptions(source=Source.COMMAND, **options))


def analysis(
    *, topic="chinh_tri_xa_hoi", sentiment="negative", category="infrastructure",
    commune_code="", person="", organization="",
) -> Analysis:  # fmt: skip
    span = Span(0, 1)
    places = (
        (PlaceMention("phường Sài Gòn", span, "found", commune_code, "Phường Sài Gòn"),)
        if commune_code
        else ()
    )
    people = (PersonMention(person, span, (Position("Phó Bí thư", "Thành ủy"),)),) if person else ()
    organizations = (OrganizationMention(organization, span, organization),) if organization else ()
    return Analysis(
        text="x", language="vi", vietnamese_share=0.9,
        topic=Label(topic, 0.9), sentiment=Label(sentiment, 0.8), category=Label(category, 0.7),
        places=places, people=people, organizations=organizations, signature=(1, 2, 3),
    )  # fmt: skip


class ScriptedEngine:
    """Answers each text with the analysis given for the first word it contains."""

    version = "scripted"

    def __init__(self, answers: dict[str, Analysis]):
        self.answers = answers

    def answer(self, text: str) -> Analysis:
        for word, result in self.answers.items():
            if word in text:
                return result
        return analysis()

    def analyze(self, text: str, context: str = "") -> Analysis:
        return self.answer(text)

    def analyze_many(self, texts, contexts=None):
        return [self.answer(text) for text in texts]
