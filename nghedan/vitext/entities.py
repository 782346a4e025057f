"""People with their positions, organizations and awards in Vietnamese official-news prose.

    "đồng chí Nguyễn Văn A, Phó Bí thư Thành ủy, Trưởng Ban Tổ chức Thành ủy TPHCM"
    -> Nguyễn Văn A: Phó Bí thư / Thành ủy Thành phố Hồ Chí Minh,
                     Trưởng Ban / Ban Tổ chức Thành ủy Thành phố Hồ Chí Minh

A person is a family name from lexicon/surnames.txt followed by 1-3 capitalized syllables,
taken when an honorific (ông, bà, đồng chí...) or a title (Phó Chủ tịch HĐND TP ...) stands
right before it, when it continues a list of such people, or, for 3-4 syllables and a common
family name, when nothing before it makes it a street, a school or a ward ("đường Nguyễn
Văn Cừ"). After the name, positions follow, separated by commas or "kiêm": a title from
lexicon/titles.txt and the organization after it.

An organization begins with a word of lexicon/organizations.txt and runs over capitalized
words, their lower-case second syllables ("Tài nguyên"), short forms (UBND, TPHCM), places
(phường Sài Gòn, quận 1) and "và" between two capitalized words. It stops at a comma, at
lower-case prose and at a person's name. Its `name` is spelt out with
lexicon/abbreviations.txt.

When a person's positions end with a city or province written once ("Phó Bí thư Thành ủy,
Trưởng Ban Tổ chức Thành ủy TPHCM"), that place is the place of every earlier position whose
organization names no place of its own and is a local body (Thành ủy, HĐND, UBND, Ban ...):
officials' positions listed together are in one locality unless another is named.

Awards (lexicon/awards.txt) take their giver ("của Chủ tịch UBND Thành phố") and their
recipients: what follows "cho" ("cho 5 tập thể và 12 cá nhân", people and organizations
found there), or the person or organization before "được tặng", "nhận".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from nghedan.vitext.normalize import fold
from nghedan.vitext.result import (
    AwardMention,
    OrganizationMention,
    PersonMention,
    Position,
    Span,
)

LEXICON = Path(__file__).resolve().parent / "lexicon"
MAX_ORG_TOKENS = 14
LOOK_BACK = 160  # characters searched before a name for the title that introduces it


def _lines(name: str) -> list[str]:
    lines = (LEXICON / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _letters(test: str) -> str:
    return "".join(
        ch
        for ch in map(chr, range(0x41, 0x1EFA))
        if getattr(ch, test)() and (ch.isascii() or "LATIN" in unicodedata.name(ch, ""))
    )


UPPER = _letters("isupper")
LOWER = _letters("islower")
CAP = rf"[{UPPER}][{LOWER}]*(?![\w])"
WORD_END = r"(?![\w])"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Lexicon:
    surnames: frozenset[str]
    risky_surnames: frozenset[str]  # also common words or starts of place names
    name: re.Pattern[str]
    title: re.Pattern[str]
    capitalized_title: re.Pattern[str]  # as written before a name: case-sensitive, faster
    org_head: re.Pattern[str]
    whole_org_heads: frozenset[str]
    org_head_words: frozenset[str]
    honorific_before: re.Pattern[str]
    abbreviations: dict[str, str]
    abbreviation: re.Pattern[str]
    award: re.Pattern[str]


@functools.cache
def lexicon() -> Lexicon:
    surnames: set[str] = set()
    risky: set[str] = set()
    for line in _lines("surnames.txt"):
        name, _, flag = line.partition(" ")
        for form in (name, fold(name)):
            surnames.add(form)
            if flag.strip() == "~":
                risky.add(form)
    titles = _lines("titles.txt")
    heads = _lines("organizations.txt")
    whole = {head[1:] for head in heads if head.startswith("!")}
    heads = [head.lstrip("!") for head in heads]
    honorifics = _lines("honorifics.txt")
    abbreviations = dict(line.split("\t", 1) for line in _lines("abbreviations.txt"))
    awards = _lines("awards.txt")
    first_letters = "".join(sorted({s[0] for s in surnames}))
    return Lexicon(
        surnames=frozenset(surnames),
        risky_surnames=frozenset(risky),
        name=re.compile(
            rf"(?=[{first_letters}])(?<![\w.])(?:{_alternation(list(surnames))}){WORD_END}"
            rf"(?: {CAP}){{1,3}}"
        ),
        title=re.compile(
            rf"(?:(?:nguyên|Nguyên|quyền|Quyền) )?(?:{_alternation(titles)}){WORD_END}",
            re.IGNORECASE,
        ),
        capitalized_title=re.compile(
            rf"(?=[{''.join(sorted({t[0] for t in titles}))}])(?:{_alternation(titles)}){WORD_END}"
        ),
        org_head=re.compile(
            rf"(?=[{''.join(sorted({h[0] for h in heads}))}])(?<![\w])"
            rf"(?:{_alternation(heads)}){WORD_END}"
        ),
        whole_org_heads=frozenset(whole),
        org_head_words=frozenset(head.split()[0] for head in heads),
        honorific_before=re.compile(
            rf"(?<![\w])(?:các |những )?(?:{_alternation(honorifics)})\s*:?\s*$", re.IGNORECASE
        ),
        abbreviations=abbreviations,
        abbreviation=re.compile(rf"(?<![\w.])(?:{_alternation(list(abbreviations))})(?![\w])"),
        award=re.compile(
            rf"(?<![\w])(?:{_alternation(awards)}){WORD_END}"
            rf"(?P<rest>(?<=chương)(?: {CAP}(?: [{LOWER}]+(?= [{UPPER}]| hạng))?){{0,5}}"
            rf"(?: (?:hạng|Hạng) (?:Nhất|Nhì|Ba|nhất|nhì|ba))?|(?<=hiệu)(?: \d+ năm tuổi Đảng)?|)"
        ),
    )


# --- tokens of an organization's name ------------------------------------------------------

_TOKEN = re.compile(r"(?:TP|Tp|Q|P)\.\s?[\w]+|[\w&]+(?:[.\-][\w&]+)*|–|-")
UNIT_WORDS = frozenset({"phường", "xã", "quận", "huyện", "thị", "thành", "tỉnh", "đặc"})
UNIT_SECOND = {"thị": {"xã", "trấn"}, "thành": {"phố"}, "đặc": {"khu"}}
PLACE_INTRO = frozenset({"TP", "Tp", "Thành", "thành", "Tỉnh", "tỉnh"})
HCMC_FORMS = frozenset({"TPHCM", "HCM", "TP.HCM", "Tp.HCM", "TP. HCM"})
# Local bodies that take the place written once at the end of a list of positions.
LOCAL_BODIES = re.compile(
    r"Thành ủy|Tỉnh ủy|Hội đồng nhân dân|Ủy ban nhân dân|Ủy ban Mặt trận|Mặt trận Tổ quốc|"
    r"Ban |Thành đoàn|Tỉnh đoàn|Công an|Liên đoàn Lao động|Hội |Đảng bộ|Đoàn Đại biểu"
)
LOWER_UNITS = re.compile(r"\b(?:phường|xã|quận|huyện|thị xã|thị trấn|đặc khu)\b", re.IGNORECASE)


# Lower-case words that are never the second syllable of a word in a name.
FUNCTION_WORDS = frozenset(
    [
        "cho",
        "đã",
        "đang",
        "sẽ",
        "là",
        "có",
        "được",
        "bị",
        "của",
        "với",
        "tại",
        "trong",
        "về",
        "này",
        "để",
        "khi",
        "thì",
        "mà",
        "cũng",
        "vừa",
        "đến",
        "từ",
        "theo",
        "trao",
        "tặng",
        "cùng",
        "các",
        "những",
        "không",
        "nhận",
        "làm",
        "ra",
        "vào",
        "lên",
        "đi",
        "chủ",
        "đề",
        "nêu",
        "nói",
        "yêu",
        "phối",
        "ngày",
        "nằm",
        "tổ",
        "họp",
        "tiếp",
        "kiểm",
        "thăm",
    ]
)
PLACE_MARKERS = frozenset({"phường", "xã", "quận", "huyện", "tỉnh", "tp", "phố", "trấn"})
NAMED_AFTER = frozenset({"THPT", "THCS", "TH", "học", "viện", "Trường", "Đường"})


def _is_abbreviation(token: str) -> bool:
    return token.isupper() and len(token) > 1 and token[:2].isalpha()


@dataclass
class Org:
    start: int
    end: int
    place: str = ""  # the province or city the name ends with, spelt out


def parse_org(text: str, pos: int, after_title: bool = False) -> Org | None:
    """The organization whose name begins at `pos`, if one does."""
    lex = lexicon()
    head = lex.org_head.match(text, pos)
    if head is None and not after_title:
        return None
    if head is None and not text[pos : pos + 1].isupper():
        return None  # "Bí thư kiêm ...": no organization named
    if head is None and _person_at(text, pos, place_context=False):
        return None
    tokens: list[tuple[int, int, str]] = []
    cursor = pos
    place_from = -1
    while len(tokens) < MAX_ORG_TOKENS:
        match = _TOKEN.match(text, cursor)
        if match is None:
            break
        token = match.group()
        if not _accept(token, tokens, text, match.start(), place_from >= 0):
            break
        if token in PLACE_INTRO or token in HCMC_FORMS or token.startswith("TP."):
            if (
                token in HCMC_FORMS
                or token.startswith(("TP.", "Tp."))
                or _capitalized_after(text, match.end())
            ):
                place_from = match.start() if place_from < 0 else place_from
        elif token.lower() in UNIT_WORDS:
            place_from = -1  # a lower unit: the place is no longer a province
        tokens.append((match.start(), match.end(), token))
        space = re.match(r" (?=\S)", text[match.end() : match.end() + 2])
        if space is None:
            break
        cursor = match.end() + 1
    while tokens and (tokens[-1][2] in ("và", "-", "–") or tokens[-1][2].lower() in UNIT_WORDS):
        if tokens[-1][2].lower() in UNIT_WORDS and len(tokens) > 1:
            break  # "UBND xã": the body of the commune just spoken of
        tokens.pop()
    if not tokens:
        return None
    end = tokens[-1][1]
    alone = head is not None and end <= head.end() and len(tokens) == 1
    if alone and head is not None and head.group() not in lex.whole_org_heads:
        return None  # "Ban", "Sở" alone name nothing
    place = expand(text[place_from:end]) if 0 <= place_from < end else ""
    if place in ("Thành phố", "Tỉnh", "thành phố", "tỉnh"):
        place = ""
    return Org(pos, end, place)


def _capitalized_after(text: str, end: int) -> bool:
    following = text[end : end + 3]
    if following.startswith(" phố"):
        following = text[end + 4 : end + 7]
    return following[:1] == " " and following[1:2].isupper()


def _accept(
    token: str, tokens: list[tuple[int, int, str]], text: str, at: int, in_place: bool
) -> bool:
    lex = lexicon()
    if not tokens:
        return True
    previous = tokens[-1][2]
    first = token[0]
    if token in ("-", "–"):
        return _capitalized_after(text, at + len(token))
    if first.isdigit():
        return previous.lower() in UNIT_WORDS or previous in ("khóa", "Khóa")
    if _is_abbreviation(token) or token.startswith(("TP.", "Tp.", "Q.", "P.")):
        return not _title_at(text, at)
    if first.isupper():
        if previous in NAMED_AFTER:
            return True  # "Trường THPT Lê Quý Đôn": named after a person
        place = in_place or _in_place(tokens)
        if not place and _title_at(text, at):
            return False
        return not _person_at(text, at, place)
    if token.lower() in UNIT_WORDS:
        return True
    if previous.lower() in UNIT_SECOND and token in UNIT_SECOND[previous.lower()]:
        return True
    if token == "và":
        after = _TOKEN.match(text, at + len("và "))
        return bool(
            after
            and after.group()[0].isupper()
            and not _title_at(text, after.start())
            and after.group().split()[0] not in lex.org_head_words
        )
    if token in ("nhân", "dân") and previous in ("ban", "đồng", "nhân", "sát", "án"):
        return True
    if token in ("ủy", "đoàn") and previous in ("Thành", "Tỉnh", "Quận", "Huyện", "Thị", "Đảng"):
        return True
    if token in FUNCTION_WORDS or in_place or _in_place(tokens):
        return False  # prose again, or after a place name, whose syllables are all capitalized
    # The lower-case second syllable of a capitalized word: "Tài nguyên", "Thành ủy".
    return previous[0].isupper() and not _is_abbreviation(previous)


def _in_place(tokens: list[tuple[int, int, str]]) -> bool:
    """Whether the last tokens are a place's name: after 'phường', 'quận', 'thành phố'..."""
    for _start, _end, token in reversed(tokens):
        if token.lower() in PLACE_MARKERS or token in ("THPT", "THCS", "TH"):
            return True
        if not (token[0].isupper() or token[0].isdigit()):
            return False
    return False


def _title_at(text: str, at: int) -> bool:
    return lexicon().capitalized_title.match(text, at) is not None


def _person_at(text: str, at: int, place_context: bool) -> bool:
    lex = lexicon()
    match = lex.name.match(text, at)
    if match is None:
        return False
    surname = match.group().split()[0]
    return not (place_context and surname in lex.risky_surnames)


def expand(name: str) -> str:
    """An organization's name with its short forms spelt out."""
    lex = lexicon()
    spelt = lex.abbreviation.sub(lambda m: lex.abbreviations[m.group()], name)
    spelt = re.sub(
        r"\b(Q|P)\.\s?(?=\w)", lambda m: "quận " if m.group(1) == "Q" else "phường ", spelt
    )
    return re.sub(r"\s+", " ", spelt).strip()


# --- positions ----------------------------------------------------------------------------

UNIT_AFTER_TITLE = re.compile(
    r" (Ban|ban|Phòng|phòng|Văn phòng|văn phòng|Đoàn|đoàn|Khoa|khoa|Thanh tra|Công an|"
    r"công an)(?![\w])"
)
POSITION_SEPARATOR = re.compile(r"\s*(?:,|;| kiêm| và| –| -| —)\s*")
AFTER_NAME = re.compile(r"\s*(?:,|–|—|-|\(|:)\s*")


@dataclass
class ParsedPosition:
    title: str
    org: Org | None
    start: int
    end: int


def parse_position(text: str, pos: int) -> ParsedPosition | None:
    match = lexicon().title.match(text, pos)
    if match is None:
        return None
    title = match.group()
    end = match.end()
    org_start = end + 1
    folded = fold(title).lower()
    if folded.endswith(("truong", "chanh")):
        unit = UNIT_AFTER_TITLE.match(text, end)
        if unit:
            title = f"{title} {unit.group(1)}"
            org_start = unit.start(1)
    if text[end : end + 1] != " " and org_start == end + 1:
        return ParsedPosition(title, None, pos, end)
    org = parse_org(text, org_start, after_title=True)
    return ParsedPosition(title, org, pos, org.end if org else end)


def positions_after(text: str, pos: int) -> tuple[list[ParsedPosition], int]:
    """The positions written after a name: ', Phó Bí thư Thành ủy, Trưởng Ban ...'."""
    found: list[ParsedPosition] = []
    separator = AFTER_NAME.match(text, pos)
    while separator is not None:
        position = parse_position(text, separator.end())
        if position is None:
            break
        found.append(position)
        pos = position.end
        separator = POSITION_SEPARATOR.match(text, pos)
    return found, pos


def as_positions(parsed: list[ParsedPosition], text: str) -> tuple[Position, ...]:
    """Spell the organizations out; the place written last applies to earlier local bodies."""
    place = next((p.org.place for p in reversed(parsed) if p.org and p.org.place), "")
    positions = []
    for item in parsed:
        organization = expand(text[item.org.start : item.org.end]) if item.org else ""
        if (
            place
            and item.org
            and not item.org.place
            and LOCAL_BODIES.search(organization + " ")
            and not LOWER_UNITS.search(organization)
            and not organization.endswith(place)
        ):
            organization = f"{organization} {place}"
        title = item.title[0].upper() + item.title[1:] if item.title[0].islower() else item.title
        positions.append(Position(title, organization))
    return tuple(positions)


# --- people -------------------------------------------------------------------------------

NOT_A_PERSON_BEFORE = frozenset(
    [
        "đường",
        "phố",
        "phường",
        "xã",
        "quận",
        "huyện",
        "trường",
        "thpt",
        "thcs",
        "th",
        "cầu",
        "chợ",
        "viện",
        "hẻm",
        "hầm",
        "học",
        "khu",
        "tuyến",
        "giải",
        "tượng",
        "lăng",
        "nhà",
        "bến",
        "cảng",
        "sở",
        "tp",
        "thành",
        "tỉnh",
        "công",
        "ty",
        "tặng",
        "mang",
        "tên",
        "số",
        "ấp",
    ]
)


@dataclass
class Found:
    name: str
    start: int
    end: int
    positions: list[Position]


def _trim_name(text: str, start: int, end: int) -> int:
    """Cut the name before a title glued to it: 'Nguyễn Văn A Chủ tịch' -> 'Nguyễn Văn A'."""
    for word in re.finditer(r" (\S+)", text[start:end]):
        at = start + word.start(1)
        if _title_at(text, at) or lexicon().org_head.match(text, at):
            return start + word.start()
    return end


def find_people(text: str) -> list[Found]:
    lex = lexicon()
    found: list[Found] = []
    list_end = -1
    for match in lex.name.finditer(text):
        start = match.start()
        end = _trim_name(text, start, match.end())
        if len(text[start:end].split()) < 2:
            continue
        parsed_before = _title_before(text, start)
        introduced = parsed_before is not None or _honorific_before(text, start)
        continues_list = list_end >= 0 and re.fullmatch(r"\s*(?:,|và|;)\s*", text[list_end:start])
        if not (introduced or continues_list or _stands_as_person(text, start, end)):
            continue
        after, list_end = positions_after(text, end)
        parsed = ([parsed_before] if parsed_before else []) + after
        found.append(Found(text[start:end], start, end, list(as_positions(parsed, text))))
        if not after:
            list_end = end
    return found


def _honorific_before(text: str, start: int) -> bool:
    return lexicon().honorific_before.search(text[max(0, start - 24) : start]) is not None


CLAUSE_BREAK = re.compile(r"[,.;:!?\n(]")


def _title_before(text: str, start: int) -> ParsedPosition | None:
    """The position written right before a name: 'Phó Chủ tịch HĐND TP Nguyễn Văn D'."""
    window_start = max(0, start - LOOK_BACK)
    clause = CLAUSE_BREAK.search(text[window_start:start][::-1])
    if clause is not None:
        window_start = start - clause.start()
    for match in lexicon().capitalized_title.finditer(text, window_start, start):
        position = parse_position(text, match.start())
        if position is not None and text[position.end : start] == " ":
            return position
    return None


def _stands_as_person(text: str, start: int, end: int) -> bool:
    """A bare name: 3-4 syllables, a common family name, and not a street or a school."""
    lex = lexicon()
    words = text[start:end].split()
    if len(words) < 3 or words[0] in lex.risky_surnames:
        return False
    before = text[max(0, start - 16) : start].split()
    if before and before[-1].lower().strip('("“') in NOT_A_PERSON_BEFORE:
        return False
    glued = before and before[-1][:1].isupper() and before[-1][-1].isalpha()
    return not (glued and text[start - 1] == " ")


def _merge_people(found: list[Found]) -> tuple[PersonMention, ...]:
    """One mention per name, first span, positions of every mention."""
    people: dict[str, tuple[Span, list[Position]]] = {}
    for item in found:
        span, positions = people.setdefault(item.name, (Span(item.start, item.end), []))
        positions.extend(p for p in item.positions if p not in positions)
    return tuple(
        PersonMention(name, span, tuple(positions)) for name, (span, positions) in people.items()
    )


# --- organizations ------------------------------------------------------------------------


def find_organizations(text: str, people: list[Found]) -> list[OrganizationMention]:
    found: list[OrganizationMention] = []
    taken_until = -1
    for head in lexicon().org_head.finditer(text):
        if head.start() < taken_until:
            continue
        org = parse_org(text, head.start())
        if org is None:
            continue
        taken_until = org.end
        written = text[org.start : org.end]
        found.append(OrganizationMention(written, Span(org.start, org.end), expand(written)))
    return found


# --- awards -------------------------------------------------------------------------------

GIVER = re.compile(r" (?:của|do) ")
TO = re.compile(r"\s*(?:(?:đã )?được )?(?:(?:trao tặng|tặng|trao) )?cho\s+")
RECEIVED_BEFORE = re.compile(
    r"(?:được|đã được|vinh dự được|vinh dự)?\s*(?:tặng|trao|trao tặng|nhận|đón nhận)"
    r"(?:\s+thưởng)?\s*$"
)
COUNT = re.compile(
    r"\d+ (?:tập thể|cá nhân|đơn vị|hộ gia đình|gia đình|hộ|đảng viên|học sinh|"
    r"sinh viên|cán bộ|chiến sĩ|doanh nghiệp|người)"
)
SENTENCE_END = re.compile(r"[.;!?\n]")
# Recipients are read this far after "cho" at most: longer than the sentences of news.
RECIPIENTS_CHARS = 1000
RECIPIENT_BEFORE_CHARS = 300


def find_awards(
    text: str, people: list[Found], orgs: list[OrganizationMention]
) -> list[AwardMention]:
    found: list[AwardMention] = []
    spans = _Spans(people, orgs)
    for match in lexicon().award.finditer(text):
        award = match.group().strip()
        giver, cursor = _giver(text, match.end())
        recipients = _recipients_after(text, cursor, spans)
        if not recipients:
            recipients = _recipient_before(text, match.start(), spans)
        found.append(AwardMention(award, Span(match.start(), match.end()), giver, recipients))
    return found


class _Spans:
    """The people and the organizations found, by where they start, so that an award looks
    only at those near it, not at every one in the text (quadratic on long lists of awards)."""

    def __init__(self, people: list[Found], orgs: list[OrganizationMention]) -> None:
        self.groups = [
            sorted(((p.start, p.end, p.name) for p in people), key=itemgetter(0)),
            sorted(((o.span.start, o.span.end, o.name) for o in orgs), key=itemgetter(0)),
        ]
        self.starts = [[start for start, _end, _name in group] for group in self.groups]

    def starting_in(self, start: int, end: int) -> list[list[tuple[int, int, str]]]:
        """(start, end, name) of the people and of the organizations starting in [start, end)."""
        return [
            group[bisect_left(starts, start) : bisect_left(starts, end)]
            for group, starts in zip(self.groups, self.starts, strict=True)
        ]


def _giver(text: str, pos: int) -> tuple[str, int]:
    marker = GIVER.match(text, pos)
    if marker is None:
        return "", pos
    position = parse_position(text, marker.end())
    if position is not None:
        return text[marker.end() : position.end], position.end
    org = parse_org(text, marker.end())
    if org is not None:
        return text[org.start : org.end], org.end
    return "", pos


def _recipients_after(text: str, pos: int, spans: _Spans) -> tuple[str, ...]:
    """What follows "cho", to the end of the sentence, but at most RECIPIENTS_CHARS: read to
    the end of a text with no full stop from each award of a long list, it took quadratic
    time (200,000 characters of "Bằng khen cho 5 tập thể, ": 26 s)."""
    marker = TO.match(text, pos)
    if marker is None:
        return ()
    until = min(len(text), marker.end() + RECIPIENTS_CHARS)
    stop = SENTENCE_END.search(text, marker.end(), until)
    end = stop.start() if stop else until
    recipients = [m.group() for m in COUNT.finditer(text, marker.end(), end)]
    people, orgs = spans.starting_in(marker.end(), end)
    recipients += [name for _start, _end, name in people + orgs]
    return tuple(dict.fromkeys(recipients))


def _recipient_before(text: str, start: int, spans: _Spans) -> tuple[str, ...]:
    """The person or organization right before "được tặng", "nhận", in its sentence: looked
    for RECIPIENT_BEFORE_CHARS back at most, not from the start of a text with no full stop
    (quadratic with many awards)."""
    verb = RECEIVED_BEFORE.search(text, max(0, start - 40), start)
    if verb is None:
        return ()
    window = max(0, verb.start() - RECIPIENT_BEFORE_CHARS)
    sentence = max(
        (m.end() for m in SENTENCE_END.finditer(text, window, verb.start())), default=window
    )
    people, orgs = spans.starting_in(sentence, verb.start())
    before = [(end, name) for _start, end, name in people if end <= verb.start()]
    before += [(end, name) for _start, end, name in orgs]
    if not before:
        return ()
    return (max(before)[1],)


# --- all together -------------------------------------------------------------------------


def find_entities(
    text: str,
) -> tuple[tuple[PersonMention, ...], tuple[OrganizationMention, ...], tuple[AwardMention, ...]]:
    """People with their positions, organizations and awards in `text` (normalized)."""
    if not text or not isinstance(text, str):
        return (), (), ()
    people = find_people(text)
    orgs = find_organizations(text, people)
    awards = find_awards(text, people, orgs)
    return _merge_people(people), tuple(orgs), tuple(awards)
