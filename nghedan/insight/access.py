"""Who reads texts from outside and who runs the feeds: the one place that decides.

The texts are public writing (news, comments) gathered to follow public opinion; what the
engine read in them is the apparatus's own working material. Analysts (tổ dư luận xã hội)
and leaders read, import and browse them, at any level: opinion does not stop at a ward's
border, so there is no scope by organization. Leaders and administrators register and change
feeds, since a feed brings texts in unattended; analysts see the feeds and their errors.
Citizens, other officers and administrators by that role alone read no text.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from nghedan.insight.models import Feed, ImportBatch, Text
from nghedan.people.access import is_administrator, is_signed_in, roles_of
from nghedan.people.models import Role, User

READING_ROLES = frozenset({Role.ANALYST, Role.LEADER})
FEED_MANAGING_ROLES = frozenset({Role.LEADER, Role.ADMIN})


def may_read_texts(user: User | AnonymousUser) -> bool:
    return bool(roles_of(user) & READING_ROLES) or (is_signed_in(user) and user.is_superuser)


def may_import_texts(user: User | AnonymousUser) -> bool:
    return may_read_texts(user)


def may_label_texts(user: User | AnonymousUser) -> bool:
    """Readers correct the engine's labels: they are the ones who read the texts."""
    return may_read_texts(user)


def may_see_feeds(user: User | AnonymousUser) -> bool:
    return may_read_texts(user) or is_administrator(user)


def may_manage_feeds(user: User | AnonymousUser) -> bool:
    return bool(roles_of(user) & FEED_MANAGING_ROLES) or (is_signed_in(user) and user.is_superuser)


def texts_for_user(user: User | AnonymousUser) -> QuerySet[Text]:
    return Text.objects.all() if may_read_texts(user) else Text.objects.none()


def get_text_for_user(user: User | AnonymousUser, pk: int) -> Text:
    text = texts_for_user(user).select_related("batch", "imported_by").filter(pk=pk).first()
    if text is None:
        raise Http404("Không tìm thấy văn bản / Text not found")
    return text


def batches_for_user(user: User | AnonymousUser) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.all() if may_read_texts(user) else ImportBatch.objects.none()


def get_batch_for_user(user: User | AnonymousUser, pk: int) -> ImportBatch:
    batch = batches_for_user(user).select_related("feed", "created_by").filter(pk=pk).first()
    if batch is None:
        raise Http404("Không tìm thấy lần nhập / Import not found")
    return batch


def feeds_for_user(user: User | AnonymousUser) -> QuerySet[Feed]:
    return Feed.objects.all() if may_see_feeds(user) else Feed.objects.none()


def get_feed_for_user(user: User | AnonymousUser, pk: int, write: bool = False) -> Feed:
    """The feed if the user may see it (404 otherwise) and, with write, change it (403)."""
    feed = feeds_for_user(user).filter(pk=pk).first()
    if feed is None:
        raise Http404("Không tìm thấy nguồn tin / Feed not found")
    if write and not may_manage_feeds(user):
        raise PermissionDenied(
            "Chỉ lãnh đạo, quản trị viên thay đổi nguồn tin / Only leaders and admins change feeds"
        )
    return feed
