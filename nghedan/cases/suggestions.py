"""What the language engine suggests to the officer taking in a case: its field (lĩnh vực),
where it happened, and the cases it likely repeats. Suggestions only: the officer decides.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from nghedan.cases.duplicates import Match, likely_duplicates
from nghedan.cases.models import Case, Category
from nghedan.places.models import Commune
from nghedan.vitext.analyzer import shared_analyzer
from nghedan.vitext.result import Analysis

# Below this probability the category model is guessing among several fields: say nothing.
CATEGORY_CONFIDENCE = 0.45
MAX_PLACE_CHOICES = 8


@dataclass(frozen=True)
class Suggestion:
    category: Category | None = None
    category_score: float = 0.0
    commune: Commune | None = None
    place_text: str = ""  # the words of the text that named the place
    place_choices: list[Commune] = field(default_factory=list)  # when the name is ambiguous
    duplicates: list[Match] = field(default_factory=list)

    @property
    def category_percent(self) -> int:
        return round(self.category_score * 100)

    def __bool__(self) -> bool:
        return bool(self.category or self.commune or self.place_choices or self.duplicates)


def suggest(
    *,
    title: str,
    description: str,
    address: str = "",
    commune: Commune | None = None,
    exclude: Case | None = None,
    among: QuerySet[Case] | None = None,
) -> Suggestion:
    """Read the matter once; the duplicates are looked for where it happened (the commune given,
    else the one the text names)."""
    analysis = shared_analyzer().analyze(f"{title}\n{description}\n{address}")
    category, score = _category(analysis)
    found, place_text, choices = _place(analysis)
    where = commune or found
    duplicates = (
        likely_duplicates(
            title=title, description=description, commune=where, exclude=exclude, among=among
        )  # fmt: skip
        if where is not None
        else []
    )
    return Suggestion(category, score, found, place_text, choices, duplicates)


def suggest_for_case(case: Case, among: QuerySet[Case] | None = None) -> Suggestion:
    return suggest(title=case.title, description=case.description, address=case.address,
                   commune=case.commune, exclude=case, among=among)  # fmt: skip


def _category(analysis: Analysis) -> tuple[Category | None, float]:
    label = analysis.category
    if label is None or label.score < CATEGORY_CONFIDENCE:
        return None, 0.0
    return Category.objects.filter(code=label.name, is_active=True).first(), label.score


def _place(analysis: Analysis) -> tuple[Commune | None, str, list[Commune]]:
    """The first commune the text names for sure; else the choices of the first name that fits
    several (an old district, "phường 1" with no district)."""
    communes = Commune.objects.select_related("province")
    for mention in analysis.places:
        found = (
            communes.filter(code=mention.commune_code).first()
            if mention.status == "found" and mention.commune_code
            else None
        )
        if found is not None:
            return found, mention.text, []
    for mention in analysis.places:
        if mention.status == "ambiguous" and mention.candidates:
            codes = [candidate.commune_code for candidate in mention.candidates]
            return None, mention.text, list(communes.filter(code__in=codes)[:MAX_PLACE_CHOICES])
    return None, "", []
