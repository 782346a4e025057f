"""Do places found in running text agree with the gazetteer on every Hồ Chí Minh City unit?

    .venv/bin/python bench/vitext_places_agreement.py [--fresh] [--limit N] [--no-write]

Every 2025 commune of the city and every old ward that now lies in it (with its old district)
is written in several ways people write them ("phường X", "P. X", "phuong x quan y",
"X, Q.Y, TPHCM", "xã X huyện Y", ...), each put into a few sentences with diacritics and
without. The address alone goes to the gazetteer (nghedan.places.gazetteer.resolve, the
reference), the sentence to nghedan.vitext.places.find_places, and the two answers are
compared. The database is a SQLite file under var/bench/vitext_places/ with the reference
places loaded (made on the first run, or again with --fresh). Writes the section
"vitext-places-agreement" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, now, write_section  # noqa: E402

VAR_DIR = ROOT / "var" / "bench" / "vitext_places"
HCMC = "79"
WORST_SHOWN = 15

# Sentences around the place: with diacritics, then without.
ACCENTED_SENTENCES = (
    "Người dân ở {place} phản ánh tình trạng ngập sau mưa.",
    "Trong tháng qua, UBND {place} đã tiếp nhận 15 đơn kiến nghị của bà con.",
    "Ngày 12/3, tại {place} đã xảy ra một vụ cháy nhà dân.",
    "{place} đang lấy ý kiến về việc mở rộng con hẻm.",
)
PLAIN_SENTENCES = (
    "nguoi dan o {place} phan anh tinh trang ngap sau mua.",
    "{place} dang lay y kien ve viec mo rong con hem",
)

# Abbreviations of unit kinds, as people write them in front of a name.
ABBREVIATED = {
    "phuong": "P.",
    "xa": "X.",
    "thi_tran": "TT.",
    "quan": "Q.",
    "huyen": "H.",
    "thi_xa": "TX.",
    "thanh_pho": "TP.",
    "dac_khu": "",
}
SPELT = {
    "phuong": "phường",
    "xa": "xã",
    "thi_tran": "thị trấn",
    "quan": "quận",
    "huyen": "huyện",
    "thi_xa": "thị xã",
    "thanh_pho": "thành phố",
    "dac_khu": "đặc khu",
}


@dataclass(frozen=True)
class Case:
    pattern: str  # e.g. "phường X, quận Y"
    address: str  # the place as written
    sentence: str  # the place inside a sentence


def setup_django(fresh: bool) -> None:
    if fresh:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    for name in [n for n in os.environ if n.startswith("NGHEDAN_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="nghedan.settings",
        NGHEDAN_VAR_DIR=str(VAR_DIR),
        NGHEDAN_DATABASE_URL=f"sqlite:///{VAR_DIR / 'nghedan.sqlite3'}",
        NGHEDAN_SECRET_KEY=secrets.token_urlsafe(50),
        NGHEDAN_HTTPS="false",
        NGHEDAN_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from nghedan.places.models import Commune

    call_command("migrate", "--noinput", verbosity=0)
    if not Commune.objects.exists():
        print("loading the reference places…", file=sys.stderr)
        call_command("load_places", verbosity=0)


# --- the phrasings ----------------------------------------------------------------------


def fold(text: str) -> str:
    from nghedan.vitext.places import fold as fold_same_length

    return fold_same_length(text)


def title_folded(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in fold(text).split())


def commune_phrasings(kind: str, name: str) -> list[tuple[str, str]]:
    """(pattern, address) for a 2025 commune named `name` (without its kind)."""
    spelt = SPELT[kind]
    phrasings = [
        ("kind X", f"{spelt} {name}"),
        ("Kind X", f"{spelt.capitalize()} {name}"),
        ("kind x (no diacritics)", f"{fold(spelt)} {fold(name)}"),
        ("Kind X (no diacritics)", f"{title_folded(spelt)} {title_folded(name)}"),
        ("kind X, TPHCM", f"{spelt} {name}, TPHCM"),
    ]
    if ABBREVIATED[kind]:
        phrasings.append(("K. X", f"{ABBREVIATED[kind]} {name}"))
    return phrasings


def legacy_phrasings(kind: str, name: str, district_kind: str, district: str) -> list[tuple]:
    """(pattern, address) for an old ward `name` in its old district."""
    spelt, d_spelt = SPELT[kind], SPELT[district_kind]
    short, d_short = ABBREVIATED[kind], ABBREVIATED[district_kind]
    phrasings = [
        ("kind X, dkind Y", f"{spelt} {name}, {d_spelt} {district}"),
        ("kind X dkind Y", f"{spelt} {name} {d_spelt} {district}"),
        ("K.X D.Y", f"{short}{name} {d_short}{district}"),
        ("kind x dkind y (no diacritics)", fold(f"{spelt} {name} {d_spelt} {district}")),
        ("X, D.Y, TPHCM", f"{name}, {d_short}{district}, TPHCM"),
        ("kind X, dkind Y, TP.HCM", f"{spelt} {name}, {d_spelt} {district}, TP.HCM"),
    ]  # fmt: skip
    if name.isdigit():
        glued_district = (
            f"{d_short[:-1]}{district}" if district.isdigit() else f"{d_short}{district}"
        )
        phrasings += [
            ("PN, D.Y (glued)", f"{short[:-1]}{name}, {glued_district}"),
            ("F.N D.Y", f"F.{name} {glued_district}"),
        ]
    return phrasings


def district_phrasings(kind: str, name: str) -> list[tuple[str, str]]:
    """(pattern, address) for an old district (or town, or city within the city)."""
    spelt, short = SPELT[kind], ABBREVIATED[kind]
    phrasings = [
        ("dkind Y", f"{spelt} {name}"),
        ("D.Y", f"{short}{name}"),
        ("dkind y (no diacritics)", f"{fold(spelt)} {fold(name)}"),
        ("dkind Y, TPHCM", f"{spelt} {name}, TPHCM"),
    ]
    if kind == "thanh_pho":
        phrasings.append(("TP Y", f"TP {name}"))
    if name.isdigit():
        phrasings.append(("DN (glued)", f"{short[:-1]}{name}"))
    return phrasings


def sentences(address: str) -> list[str]:
    result = []
    for template in (*ACCENTED_SENTENCES, *PLAIN_SENTENCES):
        sentence = template.format(place=address)
        result.append(sentence[:1].upper() + sentence[1:])
    return result


def kind_of(unit) -> str:
    """The kind its name says ("Phường 5" is a ward even where the source says otherwise)."""
    folded = fold(unit.name)
    for kind, spelt in sorted(SPELT.items(), key=lambda item: -len(item[1])):
        if folded.startswith(fold(spelt) + " "):
            return kind
    return unit.kind


def build_cases() -> list[Case]:
    from nghedan.places.models import Commune, LegacyUnit
    from nghedan.places.spelling import without_type

    cases: list[Case] = []
    for commune in Commune.objects.filter(province__code=HCMC).order_by("code"):
        for pattern, address in commune_phrasings(commune.kind, without_type(commune.name)):
            cases.extend(Case(pattern, address, s) for s in sentences(address))
    districts = LegacyUnit.objects.filter(level=LegacyUnit.Level.DISTRICT, province__code=HCMC)
    for district in districts.order_by("code"):
        for pattern, address in district_phrasings(kind_of(district), without_type(district.name)):
            cases.extend(Case(pattern, address, s) for s in sentences(address))
    wards = LegacyUnit.objects.filter(
        level=LegacyUnit.Level.WARD, province__code=HCMC, parent__isnull=False
    ).select_related("parent")
    for ward in wards.order_by("code"):
        parent = ward.parent
        assert parent is not None  # parent__isnull=False
        kind, district_kind = kind_of(ward), kind_of(parent)
        for pattern, address in legacy_phrasings(
            kind, without_type(ward.name), district_kind, without_type(parent.name)
        ):
            cases.extend(Case(pattern, address, s) for s in sentences(address))
    return cases


# --- comparing ----------------------------------------------------------------------------

AGREE = "same commune"
AGREE_SPLIT = "same successors (gazetteer: default of a split ward; vitext: ambiguous)"
BOTH_AMBIGUOUS = "both ambiguous, same candidates"
OTHER_CANDIDATES = "both ambiguous, other candidates"
MISSED = "vitext missed"
AMBIGUOUS_ONLY = "vitext ambiguous, gazetteer found"
GUESSED = "vitext found, gazetteer ambiguous"
DISAGREE = "vitext found a different commune"
NOT_FOUND = "gazetteer not found"
GAZETTEER_FOUND = "(gazetteer found a commune)"


def compare(resolution, mentions) -> str:
    if resolution.status == "not_found":
        return NOT_FOUND
    communes = [m for m in mentions if m.level != "province" and m.status != "not_found"]
    if resolution.status == "ambiguous":
        # "quận 3", "14, Q.3": the gazetteer lists the old district's communes, as a district
        # mention does.
        listed = [m for m in mentions if m.status == "ambiguous"]
        if not listed:
            return GUESSED if communes else MISSED
        same = {c.commune_code for c in listed[0].candidates} == {
            c.code for c in resolution.candidates
        }
        return BOTH_AMBIGUOUS if same else OTHER_CANDIDATES
    if not communes:
        return MISSED
    mention = communes[0]
    expected = resolution.commune.code
    if mention.status == "found":
        return AGREE if mention.commune_code == expected else DISAGREE
    listed = [c.commune_code for c in mention.candidates]
    wanted = [expected, *(c.code for c in resolution.candidates)]
    if listed and listed[0] == expected and set(listed) == set(wanted):
        return AGREE_SPLIT
    return AMBIGUOUS_ONLY


def accented(sentence: str) -> str:
    from nghedan.vitext.places import has_diacritics

    return "sentence with diacritics" if has_diacritics(sentence) else "plain sentence"


def run(cases: list[Case]) -> tuple[Counter, Counter, dict, float, float]:
    from nghedan.places.gazetteer import Resolution, load_index, resolve
    from nghedan.vitext.normalize import normalize
    from nghedan.vitext.places import find_places

    load_index()
    find_places("phường Sài Gòn")
    outcomes: Counter = Counter()
    bad: Counter = Counter()
    examples: dict[tuple, str] = {}
    resolutions: dict[str, Resolution] = {}
    gazetteer_seconds = vitext_seconds = 0.0
    for case in cases:
        started = time.process_time()
        if case.address not in resolutions:
            resolutions[case.address] = resolve(case.address)
        resolution = resolutions[case.address]
        middle = time.process_time()
        mentions = find_places(normalize(case.sentence))
        vitext_seconds += time.process_time() - middle
        gazetteer_seconds += middle - started
        outcome = compare(resolution, mentions)
        outcomes[outcome] += 1
        outcomes[GAZETTEER_FOUND] += resolution.status == "found"
        if outcome not in (AGREE, AGREE_SPLIT, BOTH_AMBIGUOUS, NOT_FOUND):
            key = (outcome, case.pattern, accented(case.sentence))
            bad[key] += 1
            examples.setdefault(key, f"{case.sentence} → {describe(mentions)}")
    return outcomes, bad, examples, gazetteer_seconds, vitext_seconds


def describe(mentions) -> str:
    if not mentions:
        return "nothing"
    return "; ".join(
        f"{m.text!r} {m.status} {m.commune_name or m.legacy_name or m.province_name}"
        + (f" ({len(m.candidates)} candidates)" if m.candidates else "")
        for m in mentions
    )


def report(cases, outcomes, bad, examples, gazetteer_seconds, vitext_seconds) -> str:
    total = len(cases)
    found = outcomes.pop(GAZETTEER_FOUND, 0)
    agreeing = outcomes[AGREE] + outcomes[AGREE_SPLIT]
    lines = [
        "## Places in running text against the gazetteer (Hồ Chí Minh City)",
        "",
        f"{now()}, {machine()}. {total:,} sentences: every 2025 commune of the city and every "
        "old ward now in it, each written several ways and put into sentences with and "
        "without diacritics (bench/vitext_places_agreement.py). The gazetteer reads the "
        "address alone, `find_places` the whole normalized sentence.",
        "",
        "| outcome | sentences | share |",
        "|---|---|---|",
        *(
            f"| {outcome} | {count:,} | {count / total:.1%} |"
            for outcome, count in outcomes.most_common()
        ),
        "",
        f"Where the gazetteer finds a commune ({found:,} sentences), `find_places` agrees on "
        f"{agreeing / max(found, 1):.2%} of them (the very same commune in "
        f"{outcomes[AGREE] / max(found, 1):.2%}) and names a different commune in "
        f"{outcomes[DISAGREE]:,}. A split old ward counts as agreeing when `find_places` lists "
        "exactly its successors, the gazetteer's default first: in running text a split ward "
        "is reported with its candidates rather than guessed.",
        "",
        f"CPU: gazetteer {gazetteer_seconds:.1f} s (each address once), `find_places` "
        f"{vitext_seconds:.1f} s ({vitext_seconds / total * 1e6:.0f} µs a sentence, with "
        "normalization). The machine is shared.",
        "",
    ]
    if bad:
        lines += [
            "Worst disagreement patterns:",
            "",
            "| outcome | phrasing | sentence | count | example |",
            "|---|---|---|---|---|",
            *(
                f"| {o} | {p} | {a} | {n} | {examples[(o, p, a)].replace('|', '/')} |"
                for (o, p, a), n in bad.most_common(WORST_SHOWN)
            ),
        ]
    else:
        lines.append("No disagreement left.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="make the database again")
    parser.add_argument("--limit", type=int, default=0, help="only every n-th sentence")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the page")
    args = parser.parse_args()
    setup_django(args.fresh)
    cases = build_cases()
    if args.limit > 1:
        cases = cases[:: args.limit]
    body = report(cases, *run(cases))
    print(body)
    if not args.no_write:
        write_section("vitext-places-agreement", body)


if __name__ == "__main__":
    main()
