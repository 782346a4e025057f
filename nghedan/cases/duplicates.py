"""The same matter sent twice: finding likely duplicates, linking them, merging them.

"Likely the same" is the language engine's near-duplicate measure (`nghedan.vitext.signatures`):
each text (title and the start of the description) becomes a MinHash signature of its runs of
three syllables, folded so that a copy retyped without diacritics is the same text, and two
signatures give their resemblance (the estimated Jaccard index, or the share of the smaller
text found in the larger when a matter was split). Candidates are the cases of the same commune
that are open or were received in the last 90 days: at most `MAX_CANDIDATES`, reading only the
columns the comparison and the page need.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Least, Left
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nghedan.audit.chain import record
from nghedan.cases import deadlines
from nghedan.cases.access import PUBLIC_KINDS, cases_for_user, may_handle
from nghedan.cases.actions import OPEN, _event, _move, _reload_locked, today
from nghedan.cases.models import Case, Kind, phone_tail
from nghedan.cases.public_forms import PEOPLE_COUNT_MAX
from nghedan.lib.refusal import Refused
from nghedan.vitext.signatures import Signature, resemblance, signature, syllables

Status = Case.Status

# Resemblance on the texts of tests/test_duplicates.py (a flooding report at phường Sài Gòn):
# re-sent unchanged 1.00; retyped without diacritics with a few words changed 0.79; its
# sentences reordered 0.72; a neighbour telling the same flooding in their own words 0.11;
# other matters on the same street by the same market (karaoke at night 0.15, tables on the
# sidewalk 0.26). Texts about one place share its street, market and ward names and the polite
# formulas ("đề nghị phường…"). 0.45 sits well above them and well below an edited copy:
# re-sends, light edits and a petition copied by several people are found; the same matter
# told anew in one's own words is not. Officers decide; a wrong suggestion costs a glance.
LIKELY = 0.45
# The public form does not create a second case when the same contact already sent one above
# this score: stricter, because a person turned away here cannot argue. In a short text one
# word is the whole matter: "Mất điện khu phố 2…" and "Mất nước khu phố 2…" score 0.50, so a
# text of fewer than SHORT syllables must be nearly the same.
RESENT = 0.60
SHORT = 15
RESENT_SHORT = 0.85
RECENT_DAYS = 90
MAX_CANDIDATES = 500
COMPARED_CHARS = 1000  # of the description: its start says what it is about
MAX_LISTED = 50


def matter_text(title: str, description: str) -> str:
    return f"{title}\n{(description or '')[:COMPARED_CHARS]}"


# --- finding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    case: Case
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


# What a match needs to be shown and compared; the description only as far as compared.
MATCH_FIELDS = (
    "pk", "code", "kind", "title", "status", "received_at", "people_count", "duplicate_of_id",
    "organization_id", "organization__name", "submitter_phone", "submitter_email",
    "submitted_by_id",
)  # fmt: skip


def candidates(commune, among: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases of the same commune, open or recent, that are not themselves duplicates."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    found = (among if among is not None else Case.objects.all()).filter(
        Q(status__in=OPEN) | Q(received_at__gte=since),
        commune=commune,
        duplicate_of__isnull=True,
    )
    return (
        found.select_related("organization")
        .only(*MATCH_FIELDS)
        .annotate(head=Left("description", COMPARED_CHARS))
        .order_by("-received_at", "-pk")
    )


class Index:
    """The candidates of one commune, signed once and compared many times."""

    def __init__(self, cases: Iterable[Case]):
        self.entries: list[tuple[Case, Signature]] = [
            (case, signature(matter_text(case.title, case.head)))  # type: ignore[attr-defined]
            for case in cases
        ]

    @classmethod
    def of(cls, commune, among: QuerySet[Case] | None = None) -> "Index":
        return cls(candidates(commune, among)[:MAX_CANDIDATES])

    def matches(self, text: str, *, exclude=None, threshold: float = LIKELY,
                limit: int = 5) -> list[Match]:  # fmt: skip
        wanted = signature(text)
        excluded = getattr(exclude, "pk", exclude)
        found = [
            Match(case, score)
            for case, seen in self.entries
            if case.pk != excluded and (score := resemblance(wanted, seen)) >= threshold
        ]
        found.sort(key=lambda match: (-match.score, -match.case.pk))
        return found[:limit]


def likely_duplicates(*, title: str, description: str, commune, exclude=None, limit: int = 5,
                      among: QuerySet[Case] | None = None) -> list[Match]:  # fmt: skip
    """Cases of the same commune whose text is close to this one, closest first.

    `exclude` is a case (or its id) left out, usually the one being compared; `among` narrows
    the candidates, e.g. to the cases an officer may see."""
    if commune is None:
        return []
    index = Index.of(commune, among)
    return index.matches(matter_text(title, description), exclude=exclude, limit=limit)


# --- the same person ------------------------------------------------------------------------


def same_sender(*, phone: str = "", email: str = "", account_id: int | None = None) -> Q | None:
    """Cases sent from this phone, e-mail or account, or None when there is nothing to
    compare."""
    found = Q()
    if tail := phone_tail(phone):
        found |= Q(sender_phone_tail=tail)
    if email.strip():
        found |= Q(submitter_email__iexact=email.strip())
    if account_id:
        found |= Q(submitted_by_id=account_id)
    return found or None


def sender_key(case: Case) -> tuple:
    """One key per person as far as the case tells: phone, else e-mail, else account; an
    anonymous sender counts as a person of their own."""
    if tail := phone_tail(case.submitter_phone):
        return ("phone", tail)
    if case.submitter_email:
        return ("email", case.submitter_email.strip().lower())
    if case.submitted_by_id:
        return ("account", case.submitted_by_id)
    return ("case", case.pk)


def already_sent(
    *, kind: str, title: str, description: str, commune, submitter_phone: str = "",
    submitter_email: str = "", submitted_by=None, **_fields,
) -> Case | None:  # fmt: skip
    """The open case of the same kind, at the same place, that the same phone, e-mail or account
    already sent with (nearly) the same text: the public form then gives its code instead of
    making a second case. A denunciation's contact is sealed away from its case, so it is
    never found here."""
    sender = same_sender(
        phone=submitter_phone, email=submitter_email,
        account_id=getattr(submitted_by, "pk", None),
    )  # fmt: skip
    if sender is None or commune is None or kind == Kind.DENUNCIATION:
        return None
    theirs = Case.objects.filter(sender, kind=kind, status__in=OPEN, commune=commune)
    if not theirs.exists():  # most senders have nothing open there: one light, indexed query
        return None
    text = matter_text(title, description)
    threshold = RESENT if len(syllables(text)) >= SHORT else RESENT_SHORT
    found = Index.of(commune, theirs).matches(text, threshold=threshold, limit=1)
    return found[0].case if found else None


# --- linking and merging --------------------------------------------------------------------


def _case_url(case: Case) -> str:
    return reverse("cases:case", args=[case.pk])


def _check_pair(actor, case: Case, original: Case) -> None:
    if original.pk == case.pk:
        raise Refused("same_case", _("Không thể ghi một vụ việc là trùng với chính nó. Hãy chọn "
                                     "vụ việc gốc khác."), "original")  # fmt: skip
    if not may_handle(actor, case):
        raise Refused(
            "not_handled",
            _("Bạn chỉ theo dõi vụ việc %(code)s, không xử lý nên không ghi trùng được.")
            % {"code": case.code}, status=403,
        )  # fmt: skip
    if original.duplicate_of_id:
        root = Case.objects.filter(pk=original.duplicate_of_id).values_list("code", flat=True)
        raise Refused(
            "original_is_duplicate",
            _("Vụ việc %(code)s đã được ghi là trùng với %(root)s. Hãy chọn vụ việc gốc "
              "%(root)s.") % {"code": original.code, "root": root.first() or "?"},
            "original",
        )  # fmt: skip


@transaction.atomic
def do_link_duplicate(actor, case: Case, original: Case) -> Case:
    """Note that `case` is the same matter as `original`; both stay as they are. Not shown
    on the public tracking page. Both rows are read again, locked (see `do_merge`)."""
    for locked in sorted((case, original), key=lambda found: found.pk):
        _reload_locked(locked)
    _check_pair(actor, case, original)
    if not cases_for_user(actor).filter(pk=original.pk).exists():
        raise Refused(
            "original_not_visible",
            _("Bạn không theo dõi vụ việc %(code)s nên không liên kết được với nó.")
            % {"code": original.code}, "original", status=403,
        )  # fmt: skip
    if case.duplicate_of_id == original.pk:
        raise Refused("already_linked", _("Vụ việc này đã được liên kết với %(code)s.")
                      % {"code": original.code}, "original", status=409)  # fmt: skip
    case.duplicate_of = original
    case.save(update_fields=["duplicate_of", "updated_at"])
    # One level only: what was linked to this case now points to the original too.
    Case.objects.filter(duplicate_of=case).update(duplicate_of=original)
    _event(case, actor, "duplicate_linked", _("Trùng với %(code)s.") % {"code": original.code})
    noted = _("Vụ việc %(code)s được ghi là trùng với vụ việc này.") % {"code": case.code}
    _event(original, actor, "duplicate_noted", noted)
    record(actor, "case.link_duplicate", case, original=original.pk)
    return case


@transaction.atomic
def do_merge(actor, case: Case, original: Case) -> Case:
    """Fold `case` into `original`: the case is withdrawn as a duplicate, its people are
    counted on the original, and both timelines say so.

    Both rows are read again, locked, in the order of their ids: what the officer's page
    loaded may be stale (the copy may have grown by a merge, the original been linked to
    another case or reclassified meanwhile). The people counted stop at PEOPLE_COUNT_MAX,
    the most any form takes, so the sum never leaves the database's integer range."""
    for locked in sorted((case, original), key=lambda found: found.pk):
        _reload_locked(locked)
    _check_pair(actor, case, original)
    if not may_handle(actor, original):
        raise Refused(
            "original_not_handled",
            _("Vụ việc %(code)s thuộc %(organization)s, nơi bạn không xử lý: không gộp được. "
              "Hãy liên kết thay vì gộp, hoặc đề nghị cơ quan đó gộp.")
            % {"code": original.code, "organization": original.organization.name},
            "original", status=403,
        )  # fmt: skip
    if case.kind == Kind.DENUNCIATION and original.kind != Kind.DENUNCIATION:
        raise Refused(
            "denunciation_into_other",
            _("Không gộp tố cáo vào một vụ việc không phải tố cáo: danh tính người tố cáo phải "
              "được giữ bí mật theo thủ tục tố cáo. Hãy liên kết thay vì gộp."),
            "original",
        )  # fmt: skip
    statuses = dict(Case.objects.filter(pk__in=[case.pk, original.pk]).values_list("pk", "status"))
    if statuses.get(original.pk) not in OPEN:
        raise Refused(
            "original_closed",
            _("Vụ việc %(code)s đã ở trạng thái “%(status)s”, không gộp thêm vào được. Hãy xử lý "
              "vụ việc này riêng, hoặc chỉ liên kết để tham khảo.")
            % {"code": original.code, "status": Status(statuses[original.pk]).label},
            "original", status=409,
        )  # fmt: skip
    added = min(case.people_count, PEOPLE_COUNT_MAX)
    now = timezone.now()
    # min(count + added, MAX) without computing a sum that could overflow.
    grown = Case.objects.filter(pk=original.pk, status__in=OPEN).update(
        people_count=Least(F("people_count"), PEOPLE_COUNT_MAX - added) + added, updated_at=now
    )
    if not grown:  # closed in the meantime
        raise Refused(
            "original_closed",
            _("Vụ việc %(code)s vừa được kết thúc; hãy tải lại trang.") % {"code": original.code},
            status=409,
        )
    _move(case, OPEN, Status.WITHDRAWN, duplicate_of=original, closed_at=now)
    Case.objects.filter(duplicate_of=case).update(duplicate_of=original)
    deadlines.close_stages(case, today())
    counted_before = original.people_count  # read under the lock above
    original.refresh_from_db(fields=["people_count", "updated_at"])
    added = original.people_count - counted_before  # less than the copy's when at the limit
    # The person who sent the merged case may follow the original only where such cases are
    # public anyway; a complaint or denunciation concerns other named people.
    shown = original.kind in PUBLIC_KINDS
    _event(case, actor, "merged", _("Gộp vào %(code)s.") % {"code": original.code}, public=shown)
    if not shown:
        _event(case, actor, "merged", _("Gộp vào một vụ việc cùng nội dung đang được giải "
                                        "quyết."), public=True)  # fmt: skip
    _event(original, actor, "merged_in",
           _("Gộp vụ việc %(code)s vào; thêm %(added)s người cùng nêu, nay là %(total)s.")
           % {"code": case.code, "added": added, "total": original.people_count})  # fmt: skip
    record(actor, "case.merge", case, into=original.pk, people_added=added)
    return case
