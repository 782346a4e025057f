"""Speed and quality of the extractors of nghedan/vitext: places, people and organizations, dates.

    .venv/bin/python bench/vitext_extract.py [--data ../shared/data] [--texts 2000]

Speed: characters per second of find_places, find_entities and find_dates on news articles
(VNTC's train split when --data is given, else generated news-like text), one core, CPU time.
Quality: precision and recall of places and people on a small set of sentences written for
this benchmark (below). Writes the section "vitext-extract" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import machine, now, write_section  # noqa: E402
from nghedan.vitext.dates import find_dates  # noqa: E402
from nghedan.vitext.entities import find_entities  # noqa: E402
from nghedan.vitext.places import find_places, load_index  # noqa: E402

# (sentence, places as (text, status, code), people names). The code is the commune's when
# found, the province's for a province, "" when ambiguous.
GOLD: list[tuple[str, list[tuple[str, str, str]], list[str]]] = [
    (
        "Người dân phường Bến Nghé, quận 1 phản ánh ngập.",
        [("phường Bến Nghé, quận 1", "found", "26740")],
        [],
    ),
    ("UBND phường Sài Gòn họp với bà con khu phố 2.", [("phường Sài Gòn", "found", "26740")], []),
    (
        "nha toi o phuong ben nghe quan 1 bi ngap",
        [("phuong ben nghe quan 1", "found", "26740")],
        [],
    ),
    (
        "Tại phường 1, quận 3, TP.HCM có nhiều hẻm nhỏ.",
        [("phường 1, quận 3, TP.HCM", "found", "27154")],
        [],
    ),
    ("Tại phường 1 có nhiều hẻm nhỏ.", [("phường 1", "ambiguous", "")], []),
    ("Hẻm ở phường Đa Kao ngập sâu.", [("phường Đa Kao", "ambiguous", "")], []),
    ("Vụ việc ở P.12, Q.Gò Vấp đã được xử lý.", [("P.12, Q.Gò Vấp", "found", "26882")], []),
    ("Giao thông Q.Bình Thạnh kẹt cứng.", [("Q.Bình Thạnh", "ambiguous", "")], []),
    ("Dự án ở TP Thủ Đức chậm tiến độ.", [("TP Thủ Đức", "ambiguous", "")], []),
    ("Nông dân huyện Củ Chi trồng rau sạch.", [("huyện Củ Chi", "ambiguous", "")], []),
    ("Xã Bình Chánh ra quân dọn rác.", [("Xã Bình Chánh", "found", "27637")], []),
    (
        "Sở Xây dựng TPHCM làm việc với tỉnh Bình Dương.",
        [("TPHCM", "found", "79"), ("tỉnh Bình Dương", "found", "79")],
        [],
    ),
    (
        "Đoàn công tác đến Đồng Nai và Hà Nội.",
        [("Đồng Nai", "found", "75"), ("Hà Nội", "found", "01")],
        [],
    ),
    ("Mưa lớn ở tỉnh Hòa Bình gây sạt lở.", [("tỉnh Hòa Bình", "found", "25")], []),
    ("Hòa Bình là khát vọng của nhân loại.", [], []),
    ("Xã hội phát triển, phương án đã duyệt.", [], []),
    ("Tư tưởng Hồ Chí Minh là kim chỉ nam.", [], []),
    ("Thái Bình Dương rộng lớn.", [], []),
    ("Quan trọng là tình hình đã ổn định.", [], []),
    ("Tỉ số 2-1 nghiêng về đội khách.", [], []),
    (
        "Tham dự có đồng chí Nguyễn Văn A, Phó Bí thư Thành ủy, Trưởng Ban Tổ chức Thành ủy TPHCM.",
        [("TPHCM", "found", "79")],
        ["Nguyễn Văn A"],
    ),
    (
        "Ông Trần Văn B – Chủ tịch UBND phường Sài Gòn cho biết sẽ xử lý.",
        [("phường Sài Gòn", "found", "26740")],
        ["Trần Văn B"],
    ),
    ("Bà Lê Thị C, Ủy viên Ban Thường vụ Thành ủy, phát biểu.", [], ["Lê Thị C"]),
    ("Phó Chủ tịch HĐND TP Nguyễn Văn D chủ trì hội nghị.", [], ["Nguyễn Văn D"]),
    (
        "Dự có các đồng chí: Phạm Minh E, Võ Thị F và Hồ Văn G.",
        [],
        ["Phạm Minh E", "Võ Thị F", "Hồ Văn G"],
    ),
    ("Giám đốc Sở Y tế Tăng Chí Thượng cho biết số ca giảm.", [], ["Tăng Chí Thượng"]),
    ("Theo anh Đỗ Minh Tuấn, người dân rất đồng tình.", [], ["Đỗ Minh Tuấn"]),
    ("Trường THPT Lê Quý Đôn nằm trên đường Nguyễn Văn Cừ.", [], []),
    (
        "Bà Huỳnh Thị Lan ở xã Tân Nhựt phản ánh việc cấp sổ.",
        [("xã Tân Nhựt", "found", "")],
        ["Huỳnh Thị Lan"],
    ),
    ("Chủ tịch UBND Thành phố Phan Văn Mãi chỉ đạo.", [], ["Phan Văn Mãi"]),
    (
        "Thủ tướng Phạm Minh Chính dự hội nghị tại Cần Thơ.",
        [("Cần Thơ", "found", "92")],
        ["Phạm Minh Chính"],
    ),
    (
        "Đại tá Lê Hồng Nam, Giám đốc Công an TPHCM, thông tin.",
        [("TPHCM", "found", "79")],
        ["Lê Hồng Nam"],
    ),
    (
        "Nguyễn Thị Mai Anh, 35 tuổi, ngụ phường Tân Định, bức xúc.",
        [("phường Tân Định", "found", "26734")],
        ["Nguyễn Thị Mai Anh"],
    ),
    ("Ong Nguyen Van K, Bi thu xa, da doi thoai voi dan.", [], ["Nguyen Van K"]),
    ("Đường Lê Lợi và cầu Phạm Văn Đồng thông xe.", [], []),
    ("Đồng chí Võ Văn Hoan được tặng Bằng khen.", [], ["Võ Văn Hoan"]),
    ("Chị Hà ở thành phố Hồ Chí Minh gửi đơn.", [("thành phố Hồ Chí Minh", "found", "79")], []),
    ("Ông Bùi Xuân Cường làm việc với quận 7.", [("quận 7", "ambiguous", "")], ["Bùi Xuân Cường"]),
]


def place_key(mention) -> tuple[str, str, str]:
    code = ""
    if mention.status == "found":
        code = mention.commune_code or mention.province_code
    return (mention.text, mention.status, code)


def gold_place_matches(gold: tuple[str, str, str], predicted: tuple[str, str, str]) -> bool:
    # A found commune whose code the set leaves blank: only the text and status are checked.
    return gold[:2] == predicted[:2] and (not gold[2] or gold[2] == predicted[2])


def precision_recall(pairs: list[tuple[list, list]], same) -> tuple[float, float, int, int]:
    true_positive = predicted_total = gold_total = 0
    for gold, predicted in pairs:
        gold_total += len(gold)
        predicted_total += len(predicted)
        unmatched = list(gold)
        for item in predicted:
            hit = next((g for g in unmatched if same(g, item)), None)
            if hit is not None:
                unmatched.remove(hit)
                true_positive += 1
    precision = true_positive / predicted_total if predicted_total else 1.0
    recall = true_positive / gold_total if gold_total else 1.0
    return precision, recall, gold_total, predicted_total


def quality() -> list[str]:
    place_pairs = [(places, [place_key(m) for m in find_places(text)]) for text, places, _ in GOLD]
    people_pairs = [(names, [p.name for p in find_entities(text)[0]]) for text, _, names in GOLD]
    rows = []
    for label, pairs, same in (
        ("places (text, status, code)", place_pairs, gold_place_matches),
        ("people (name)", people_pairs, lambda g, p: g == p),
    ):
        precision, recall, gold, predicted = precision_recall(pairs, same)
        rows.append(f"| {label} | {precision:.2f} | {recall:.2f} | {gold} | {predicted} |")
    return rows


def news_texts(data: Path | None, count: int) -> tuple[list[str], str]:
    if data is not None:
        path = data / "vntc" / "train.jsonl.gz"
        texts = []
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                if number % 10 == 0:
                    texts.append(json.loads(line)["text"])
                if len(texts) >= count:
                    break
        return texts, f"VNTC train, every 10th article, {len(texts)} articles"
    rng = random.Random(20261127)
    sentences = [text for text, _, _ in GOLD] + [
        "Theo báo cáo, trong năm 2023 thành phố đã giải quyết hơn 90% đơn thư của người dân.",
        "Các cơ quan chức năng đang khẩn trương khắc phục hậu quả của trận mưa lớn chiều qua.",
        "Nhiều ý kiến cho rằng cần đẩy mạnh cải cách thủ tục hành chính trong thời gian tới.",
    ]
    texts = [" ".join(rng.choices(sentences, k=40)) for _ in range(count)]
    return texts, f"generated news-like text ({count} texts of 40 sentences)"


def speed(texts: list[str]) -> list[str]:
    characters = sum(map(len, texts))
    rows = []
    total_seconds = 0.0
    for function in (find_places, find_entities, find_dates):
        function(texts[0])  # loads the index and lexicons
        started = time.process_time()
        for text in texts:
            function(text)
        seconds = time.process_time() - started
        total_seconds += seconds
        rows.append(f"| `{function.__name__}` | {characters / seconds:,.0f} |")
    rows.append(f"| all three | {characters / total_seconds:,.0f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="../shared/data (VNTC)")
    parser.add_argument("--texts", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    load_index.cache_clear()
    load_index()
    load_seconds = time.perf_counter() - started
    texts, source = news_texts(args.data, args.texts)
    body = "\n".join(
        [
            "## Vitext extraction: places, people, dates",
            "",
            f"{now()}, {machine()}. Texts: {source}, "
            f"{sum(map(len, texts)) / len(texts):,.0f} characters on average. "
            "CPU time of one process; the machine is shared, so read the figures as a floor.",
            "",
            "| function | characters/s (one core) |",
            "|---|---|",
            *speed(texts),
            "",
            f"Place index built from vietnamadminunits' files in {load_seconds:.2f} s.",
            "",
            f"Quality on {len(GOLD)} sentences written for this benchmark "
            "(bench/vitext_extract.py):",
            "",
            "| what | precision | recall | gold | predicted |",
            "|---|---|---|---|---|",
            *quality(),
        ]
    )
    print(body)
    write_section("vitext-extract", body)


if __name__ == "__main__":
    main()
