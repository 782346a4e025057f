"""What the engine says of one text. Plain frozen dataclasses: no Django, easy to store as JSON."""

from dataclasses import asdict, dataclass, field
from typing import Literal

PlaceStatus = Literal["found", "ambiguous", "not_found"]
WithheldReason = Literal["unfamiliar", "too_long", "unsure"]


@dataclass(frozen=True)
class Label:
    """A model's answer: the label and its probability (0–1)."""

    name: str
    score: float


@dataclass(frozen=True)
class Withheld:
    """A model's answer the engine does not give, and why: "unfamiliar" (the text is unlike
    what the model learnt from: `value` is the share of the text's word pairs it knows),
    "too_long" (`value` is its length in syllables, longer than any text the model was
    trained or measured on) or "unsure" (`value` is the probability of the label it would
    have chosen). `threshold` is the bound the training command measured (see the model
    card)."""

    field: str
    reason: WithheldReason
    label: str  # what the model would have said
    value: float
    threshold: float


@dataclass(frozen=True)
class Span:
    """Where a mention sits in the normalized text: text[start:end]."""

    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    commune_code: str
    commune_name: str
    province_name: str


@dataclass(frozen=True)
class PlaceMention:
    text: str
    span: Span
    status: PlaceStatus
    # The 2025 commune when found; the choices when ambiguous.
    commune_code: str = ""
    commune_name: str = ""
    province_code: str = ""
    province_name: str = ""
    # The old unit named in the text, when it was an old name ("Phường Bến Nghé").
    legacy_name: str = ""
    candidates: tuple[Candidate, ...] = ()
    # What the text named: a commune (old or new), an old district, or only a province.
    level: Literal["commune", "district", "province"] = "commune"


@dataclass(frozen=True)
class OrganizationMention:
    text: str
    span: Span
    # Spelt out in full: "UBND TPHCM" -> "Ủy ban nhân dân Thành phố Hồ Chí Minh".
    name: str


@dataclass(frozen=True)
class Position:
    title: str  # "Phó Bí thư"
    organization: str  # "Thành ủy Thành phố Hồ Chí Minh", "" when none is named


@dataclass(frozen=True)
class PersonMention:
    name: str
    span: Span
    positions: tuple[Position, ...] = ()


@dataclass(frozen=True)
class DateMention:
    text: str
    span: Span
    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class AwardMention:
    award: str  # "Bằng khen", "Giấy khen", "Huân chương Lao động hạng Ba"
    span: Span
    giver: str = ""  # "Chủ tịch UBND Thành phố"
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    text: str  # normalized
    language: Literal["vi", "other", "empty"]
    # Share of letters that are Vietnamese syllables; False when typed without diacritics.
    vietnamese_share: float = 0.0
    has_diacritics: bool = True
    truncated: bool = False
    topic: Label | None = None  # VNTC's 10 news topics
    sentiment: Label | None = None  # negative / neutral / positive
    toxicity: Label | None = None  # toxic / not_toxic
    constructiveness: Label | None = None  # constructive / not_constructive
    moderation: Label | None = None  # clean / offensive / hate
    category: Label | None = None  # the platform's case categories (lĩnh vực)
    # The labels left empty above because their model's gate withheld them.
    withheld: tuple[Withheld, ...] = ()
    # The fields read with the title of the article the comment answers ("constructiveness").
    read_in_article: tuple[str, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    people: tuple[PersonMention, ...] = ()
    organizations: tuple[OrganizationMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    awards: tuple[AwardMention, ...] = ()
    # MinHash signature of the text's shingles, for near-duplicate search.
    signature: tuple[int, ...] = field(default=(), repr=False)

    def as_dict(self) -> dict:
        return asdict(self)
