"""Files sent with a case: photos, scanned letters, PDFs, voice recordings.

A file's type is read from its first bytes, never from its name or what the browser says; a
name whose extension says otherwise is refused, and so is anything that is not a picture, a
PDF or a recording. Pictures are decoded and encoded again, so no EXIF, XMP or comment (the
place and time a photo was taken, the phone that took it) reaches storage; PDFs and
recordings are stored as they came. Every check runs on every file before anything is
stored: a case gets all its files or none.
"""

import hashlib
import io
import os
import unicodedata
import uuid
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import BinaryIO

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from nghedan.audit.chain import record
from nghedan.cases.access import get_case_for_user, may_read_identity
from nghedan.cases.actions import OPEN, audited_as, do_resolve, do_submit_case
from nghedan.cases.models import Attachment, Case, CaseEvent, Kind
from nghedan.lib.refusal import Refused

FileType = Attachment.FileType
FIELD = "attachments"
MB = 1024 * 1024

# Technical limits, not rules of law: room for a few phone photos, a scanned letter of several
# pages and some minutes of recorded voice, while one web process can still check and
# re-encode them in a moment. They count for a case as a whole, however many times files are
# added to it.
MAX_FILES = 5  # files sent at once: with the petition, or added later
MAX_FILE_BYTES = 10 * MB  # each file
MAX_TOTAL_BYTES = 25 * MB  # the files sent at once together
# A whole case: the sender's files, what they add by sending the matter again, and the
# agency's minutes and decision. A case whose sender used the five files of one sending must
# still take its conclusion.
MAX_CASE_FILES = 20
MAX_CASE_BYTES = 100 * MB
# A picture is decoded in memory to remove its metadata: 50 million pixels (a 48-megapixel
# phone photo, all frames of an animation together) is about 150 MB of memory at most.
MAX_IMAGE_PIXELS = 50_000_000
# An animation is decoded and encoded again frame by frame, and every frame costs time and
# memory beyond its pixels: 200,000 frames of 1 × 1 (a 4.6 MB GIF) took 34 s and 741 MB. What
# a citizen sends (a phone's short clip or a screen recording made GIF) runs some seconds:
# 500 frames is 20 s at 25 frames a second, and takes a fraction of a second to check.
MAX_FRAMES = 500
# So that tiny frames cannot pass the pixel limit either, however high MAX_FRAMES is set, each
# frame counts as at least 64 × 64 pixels.
MIN_FRAME_PIXELS = 64 * 64
JPEG_QUALITY = 90
HEAD_BYTES = 512
NAME_MAX = 200  # Attachment.original_name

ACCEPT = "image/*,application/pdf,audio/*"  # what the file picker offers


@dataclass(frozen=True)
class Format:
    """One kind of content we take: how it is stored and which names may carry it."""

    key: str
    label: str | Promise  # what people call it, in messages
    file_type: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one stored
    pillow: tuple[str, ...] = ()  # Pillow's names for the format, for pictures
    animated: bool = False  # whether every frame is kept (otherwise only the first)


FORMATS = {
    f.key: f
    for f in [
        Format("jpeg", gettext_lazy("ảnh JPEG"), FileType.IMAGE, "image/jpeg",
               # MPO: a phone's photo with a second picture (depth, preview) after it.
               ("jpg", "jpeg", "jpe", "jfif"), ("JPEG", "MPO")),
        Format("png", gettext_lazy("ảnh PNG"), FileType.IMAGE, "image/png", ("png",), ("PNG",),
               animated=True),
        Format("gif", gettext_lazy("ảnh GIF"), FileType.IMAGE, "image/gif", ("gif",), ("GIF",),
               animated=True),
        Format("webp", gettext_lazy("ảnh WebP"), FileType.IMAGE, "image/webp", ("webp",),
               ("WEBP",), animated=True),
        Format("pdf", gettext_lazy("tệp PDF"), FileType.PDF, "application/pdf", ("pdf",)),
        Format("mp3", gettext_lazy("ghi âm MP3"), FileType.AUDIO, "audio/mpeg", ("mp3",)),
        Format("m4a", gettext_lazy("ghi âm M4A"), FileType.AUDIO, "audio/mp4", ("m4a", "mp4")),
        Format("ogg", gettext_lazy("ghi âm OGG"), FileType.AUDIO, "audio/ogg",
               ("ogg", "oga", "opus")),
        Format("wav", gettext_lazy("ghi âm WAV"), FileType.AUDIO, "audio/wav", ("wav", "wave")),
        Format("amr", gettext_lazy("ghi âm AMR"), FileType.AUDIO, "audio/amr", ("amr",)),
    ]
}  # fmt: skip

ALLOWED = gettext_lazy(
    "Chỉ nhận ảnh (JPEG, PNG, GIF, WebP), tệp PDF và ghi âm (MP3, M4A, OGG, WAV, AMR)."
)


def limits_text() -> str:
    return _(
        "Tối đa %(files)d tệp một lần, mỗi tệp đến %(each)d MB, tổng cộng đến %(total)d MB. "
        "Ảnh được lưu không kèm vị trí chụp và thông tin máy chụp."
    ) % {"files": MAX_FILES, "each": MAX_FILE_BYTES // MB, "total": MAX_TOTAL_BYTES // MB}


LIMITS = lazy(limits_text, str)()  # for help texts, in the reader's language


@dataclass(frozen=True)
class Inspected:
    """A file that passed every check, with what will be stored: for a picture, the bytes
    encoded again without metadata; otherwise the upload itself."""

    upload: BinaryIO
    name: str  # the name it came with, cleaned, for people to recognize
    format: Format
    size: int  # as sent
    content: bytes | None = None  # a picture's new bytes

    @property
    def file_type(self) -> str:
        return self.format.file_type

    @property
    def content_type(self) -> str:
        return self.format.content_type


def refuse(code: str, message: str) -> Refused:
    return Refused(code, message, field=FIELD)


# --- what the bytes are ---------------------------------------------------------------------


def detect(upload: BinaryIO, size: int) -> Format | None:
    """The format the content is in, by its first bytes; None for anything else."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    key = None
    if head.startswith(b"\xff\xd8\xff"):
        key = "jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        key = "png"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        key = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        key = "webp"
    elif head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        key = "wav"
    elif head.startswith(b"%PDF-"):
        key = "pdf"
    elif head.startswith((b"#!AMR\n", b"#!AMR-WB\n")):
        key = "amr"
    elif head.startswith(b"OggS"):
        key = "ogg" if is_ogg_audio(head) else None
    elif head[4:8] == b"ftyp":
        key = "m4a" if is_mp4_audio(upload, size) else None
    elif head.startswith(b"ID3"):
        key = "mp3" if mp3_after_tag(upload, head) else None
    elif is_mp3_frame(head[:4]):
        key = "mp3"
    upload.seek(0)
    return FORMATS[key] if key else None


def is_mp3_frame(header: bytes) -> bool:
    """An MPEG audio layer III frame header: sync, a real version, bitrate and sample rate."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, rate = header[2] >> 4, (header[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate != 15 and rate != 3


def mp3_after_tag(upload: BinaryIO, head: bytes) -> bool:
    """An ID3 tag must be followed by MPEG audio frames (after any padding)."""
    if len(head) < 10 or head[3] not in (2, 3, 4) or any(b & 0x80 for b in head[6:10]):
        return False
    tag = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    footer = 10 if head[5] & 0x10 else 0
    upload.seek(10 + tag + footer)
    after = upload.read(4096)
    start = len(after) - len(after.lstrip(b"\x00"))
    return is_mp3_frame(after[start : start + 4])


OGG_AUDIO = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ")


def is_ogg_audio(head: bytes) -> bool:
    """The first packet of an Ogg stream names its codec; only audio codecs are taken."""
    if len(head) < 27:
        return False
    segments = head[26]
    return head[27 + segments :].startswith(OGG_AUDIO)


MP4_BRANDS = {b"M4A ", b"M4B ", b"isom", b"iso2", b"mp41", b"mp42"}
MP4_CONTAINERS = {b"moov", b"trak", b"mdia"}
MP4_MAX_BOXES = 10_000


def is_mp4_audio(upload: BinaryIO, size: int) -> bool:
    """An MPEG-4 file (M4A, or an MP4 holding only sound): a known brand, at least one sound
    track and no video track."""
    upload.seek(8)
    if upload.read(4) not in MP4_BRANDS:
        return False
    handlers = mp4_handlers(upload, size)
    return handlers is not None and b"soun" in handlers and b"vide" not in handlers


def mp4_handlers(upload: BinaryIO, size: int) -> set[bytes] | None:
    """The handler type of every track (moov/trak/mdia/hdlr); None if the boxes are broken."""
    handlers: set[bytes] = set()
    stack = [(0, size, b"")]
    boxes = 0
    while stack:
        position, end, parent = stack.pop()
        while position + 8 <= end:
            boxes += 1
            if boxes > MP4_MAX_BOXES:
                return None
            upload.seek(position)
            header = upload.read(16)
            length, kind, header_length = int.from_bytes(header[:4], "big"), header[4:8], 8
            if length == 1:
                length, header_length = int.from_bytes(header[8:16], "big"), 16
            elif length == 0:
                length = end - position
            if length < header_length or position + length > end:
                return None
            if kind in MP4_CONTAINERS:
                stack.append((position + header_length, position + length, kind))
            elif kind == b"hdlr" and parent == b"mdia":
                upload.seek(position + header_length + 8)  # version, flags, pre_defined
                handlers.add(upload.read(4))
            position += length
    return handlers


# --- checking one file ----------------------------------------------------------------------


def clean_name(name: str) -> str:
    """The name as people will see it: no folders, no control or direction characters (which
    can make "exe.jpg" read as "gpj.exe"), in composed Unicode, at most 200 characters."""
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = NAME_MAX - len(dot + extension) if dot and len(extension) <= 10 else NAME_MAX
        name = (stem[:keep] + dot + extension) if keep < NAME_MAX else name[:NAME_MAX]
    return name or "tep"


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def inspect(upload) -> Inspected:
    """Check one uploaded file; raise `Refused` (field "attachments") saying what is wrong."""
    name = clean_name(getattr(upload, "name", "") or "")
    size = upload.size
    if not size:
        raise refuse("attachment_empty", _("Tệp “%(name)s” trống (0 byte). Hãy chọn lại "
                                           "đúng tệp.") % {"name": name})  # fmt: skip
    if size > MAX_FILE_BYTES:
        raise refuse(
            "attachment_too_large",
            _("Tệp “%(name)s” nặng %(size)s, quá mức %(limit)d MB cho mỗi tệp. Hãy thu nhỏ "
              "ảnh, chia nhỏ tệp PDF hoặc gửi đoạn ghi âm ngắn hơn.")
            % {"name": name, "size": filesizeformat(size), "limit": MAX_FILE_BYTES // MB},
        )  # fmt: skip
    found = detect(upload, size)
    if found is None:
        raise refuse(
            "attachment_type",
            _("Tệp “%(name)s” không phải ảnh, tệp PDF hay ghi âm mà hệ thống nhận (có thể "
              "tệp đã bị đổi tên). %(allowed)s Hãy chọn tệp khác.")
            % {"name": name, "allowed": ALLOWED},
        )  # fmt: skip
    extension = extension_of(name)
    if extension and extension not in found.extensions:
        raise refuse(
            "attachment_mismatch",
            _("Tệp “%(name)s” có đuôi .%(extension)s nhưng nội dung là %(actual)s. Hãy gửi "
              "đúng tệp, hoặc đổi đuôi tên tệp thành .%(right)s. %(allowed)s")
            % {"name": name, "extension": extension, "actual": found.label,
               "right": found.extensions[0], "allowed": ALLOWED},
        )  # fmt: skip
    content = without_metadata(upload, name, found) if found.file_type == FileType.IMAGE else None
    return Inspected(upload=upload, name=name, format=found, size=size, content=content)


def unreadable(name: str) -> Refused:
    return refuse(
        "attachment_unreadable",
        _("Tệp “%(name)s” không mở được như một ảnh: tệp bị hỏng, chưa tải xong, hoặc không "
          "phải ảnh thật. Hãy mở thử ảnh trên máy, lưu lại rồi gửi lại. %(allowed)s")
        % {"name": name, "allowed": ALLOWED},
    )  # fmt: skip


def too_many_frames(name: str) -> Refused:
    return refuse(
        "attachment_too_many_frames",
        _("Ảnh động “%(name)s” có hơn %(limit)d khung hình, quá mức hệ thống nhận. Hãy gửi "
          "ảnh tĩnh (một ảnh chụp hoặc ảnh chụp màn hình) thay cho ảnh động, hoặc cắt ảnh "
          "động còn tối đa %(limit)d khung hình, rồi gửi lại.")
        % {"name": name, "limit": MAX_FRAMES},
    )  # fmt: skip


def image_too_large(name: str, width: int, height: int, frames: int) -> Refused:
    values = {"name": name, "width": width, "height": height, "frames": frames,
              "limit": MAX_IMAGE_PIXELS // 1_000_000}  # fmt: skip
    if frames > 1:
        message = _(
            "Ảnh động “%(name)s” quá lớn (%(frames)d khung hình, mỗi khung %(width)d × "
            "%(height)d điểm ảnh), quá mức %(limit)d triệu điểm ảnh cho cả ảnh. Hãy gửi ảnh "
            "tĩnh (một ảnh chụp hoặc ảnh chụp màn hình), hoặc thu nhỏ hay cắt ngắn ảnh động, "
            "rồi gửi lại."
        )
    else:
        message = _(
            "Ảnh “%(name)s” quá lớn (%(width)d × %(height)d điểm ảnh). Hãy thu nhỏ ảnh dưới "
            "%(limit)d triệu điểm ảnh, hoặc chụp ở chế độ thường, rồi gửi lại."
        )
    return refuse("attachment_image_too_large", message % values)


def frame_pixels(width: int, height: int) -> int:
    return max(width * height, MIN_FRAME_PIXELS)


def without_metadata(upload: BinaryIO, name: str, found: Format) -> bytes:
    """The picture decoded and encoded again in its own format, upright as it was shown
    (EXIF orientation applied), with no EXIF, XMP, comments or text; only the colour profile
    and transparency are kept. Refused if Pillow cannot read it as the format it claims, and,
    before any frame is decoded, if it has too many frames or pixels."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in found.pillow:
                raise unreadable(name)
            width, height = image.size
            frames = 1
            if found.animated and image.format == "GIF":
                # A GIF does not say how many frames it has: Pillow's n_frames reads the whole
                # file (0.8 s for 200,000 frames). Count only as far as the limit.
                frames, width, height = gif_frames(upload, MAX_FRAMES + 1)
            elif found.animated:
                frames = getattr(image, "n_frames", 1)  # from the header (APNG acTL, WebP)
            if frames > MAX_FRAMES:
                raise too_many_frames(name)
            if frame_pixels(width, height) * frames > MAX_IMAGE_PIXELS:
                raise image_too_large(name, width, height, frames)
            return encode(image, found, name)
    except Refused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError, EOFError, IndexError, TypeError) as error:  # fmt: skip
        raise unreadable(name) from error
    finally:
        upload.seek(0)


def gif_frames(upload: BinaryIO, most: int) -> tuple[int, int, int]:
    """A GIF's frames, counted from their descriptors without decoding any and at most to
    `most`, and the size of its canvas (which a frame reaching past the screen size of the
    header makes larger, in Pillow). `encode` counts again as it decodes, for a broken file
    that Pillow reads otherwise."""
    position = upload.tell()
    try:
        upload.seek(0)
        head = upload.read(13)
        width, height = int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
        skip_gif_palette(upload, head[10])
        frames = 0
        while frames < most:
            block = upload.read(1)
            if not block or block == b";":  # the end
                break
            if block == b"!":  # an extension: its label, then its data
                upload.read(1)
                skip_gif_data(upload)
            elif block == b",":  # a frame: where it is, its palette, then its pixels
                descriptor = upload.read(9)
                if len(descriptor) < 9:
                    break
                left, top, across, down = (int.from_bytes(descriptor[i : i + 2], "little")
                                           for i in range(0, 8, 2))  # fmt: skip
                width, height = max(width, left + across), max(height, top + down)
                skip_gif_palette(upload, descriptor[8])
                upload.read(1)  # the LZW code size
                skip_gif_data(upload)
                frames += 1
            # Any other byte is passed over, as Pillow does.
        return frames, width, height
    finally:
        upload.seek(position)


def skip_gif_palette(upload: BinaryIO, flags: int) -> None:
    if flags & 0x80:
        upload.seek(3 << ((flags & 7) + 1), os.SEEK_CUR)


def skip_gif_data(upload: BinaryIO) -> None:
    """Pass over data sub-blocks: each a length byte and as many bytes, the last of length 0."""
    while (length := upload.read(1)) and length[0]:
        upload.seek(length[0], os.SEEK_CUR)


def encode(image: Image.Image, found: Format, name: str) -> bytes:
    icc_profile = image.info.get("icc_profile")
    loop = image.info.get("loop", 0)
    frames: list[Image.Image] = []
    durations: list[int] = []
    pixels = 0
    for frame in ImageSequence.Iterator(image):
        # The frame's size is known before its pixels are decoded: the limits hold whatever
        # the header said.
        pixels += frame_pixels(*frame.size)
        if len(frames) >= MAX_FRAMES:
            raise too_many_frames(name)
        if pixels > MAX_IMAGE_PIXELS:
            raise image_too_large(name, *frame.size, len(frames) + 1)
        durations.append(frame.info.get("duration", 0))
        frames.append(bare(ImageOps.exif_transpose(frame)))
        if not found.animated:
            break
    first, rest = frames[0], frames[1:]
    target = found.pillow[0]
    options: dict = {}
    if icc_profile and target != "GIF":
        options["icc_profile"] = icc_profile
    if target == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif target == "WEBP":
        options.update(quality=JPEG_QUALITY)
    elif target == "GIF":
        options["comment"] = b""  # otherwise a frame's comment is copied over
    if rest:
        options.update(save_all=True, append_images=rest, duration=durations, loop=loop)
    if "transparency" in first.info:
        options["transparency"] = first.info["transparency"]
    output = io.BytesIO()
    first.save(output, format=target, **options)
    return output.getvalue()


def bare(frame: Image.Image) -> Image.Image:
    """A copy of the pixels with nothing else: the text, EXIF and XMP of `info` are dropped."""
    frame = frame.copy()
    transparency = frame.info.get("transparency")
    frame.info = {} if transparency is None else {"transparency": transparency}
    return frame


# --- checking a set of files ----------------------------------------------------------------


def check_count(count: int, already: int = 0) -> None:
    if count > MAX_FILES:
        raise refuse("attachments_too_many", _(
            "Chỉ gửi được tối đa %(limit)d tệp một lần (bạn đã chọn %(count)d). Hãy bỏ bớt tệp, "
            "hoặc gộp các trang giấy vào một tệp PDF."
        ) % {"limit": MAX_FILES, "count": count})  # fmt: skip
    if count + already > MAX_CASE_FILES:
        raise refuse("attachments_too_many", _(
            "Vụ việc đã có %(already)d tệp; mỗi vụ việc có tối đa %(limit)d tệp, nên chỉ thêm "
            "được %(left)d tệp nữa. Hãy bỏ bớt tệp."
        ) % {"already": already, "limit": MAX_CASE_FILES,
             "left": max(MAX_CASE_FILES - already, 0)})  # fmt: skip


def check_total(total: int, already: int = 0) -> None:
    if total > MAX_TOTAL_BYTES:
        raise refuse("attachments_too_large", _(
            "Các tệp nặng tổng cộng %(size)s, quá mức %(limit)d MB cho một lần gửi. Hãy bỏ bớt "
            "tệp hoặc thu nhỏ ảnh rồi gửi lại."
        ) % {"size": filesizeformat(total), "limit": MAX_TOTAL_BYTES // MB})  # fmt: skip
    if total + already > MAX_CASE_BYTES:
        raise refuse("attachments_too_large", _(
            "Vụ việc đã có %(already)s tệp đính kèm; thêm %(size)s nữa sẽ quá mức %(limit)d MB "
            "cho mỗi vụ việc. Hãy bỏ bớt tệp hoặc thu nhỏ ảnh rồi gửi lại."
        ) % {"already": filesizeformat(already), "size": filesizeformat(total),
             "limit": MAX_CASE_BYTES // MB})  # fmt: skip


def inspect_all(uploads, already_count: int = 0, already_bytes: int = 0) -> list[Inspected]:
    """Check every file and the limits of the whole set; raise at the first problem."""
    uploads = [upload for upload in uploads if upload]
    check_count(len(uploads), already_count)
    checked = [u if isinstance(u, Inspected) else inspect(u) for u in uploads]
    check_total(sum(item.size for item in checked), already_bytes)
    return checked


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """The file picker of the public and intake forms. Its cleaned value is a list of
    `Inspected`; every file's problem is shown beside it, all at once."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(accept=ACCEPT)

    def clean(self, value):
        uploads = [upload for upload in (value or []) if upload]
        try:
            check_count(len(uploads))
        except Refused as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from refusal
        checked, problems = [], []
        for upload in uploads:
            try:
                checked.append(inspect(upload))
            except Refused as refusal:
                problems.append(forms.ValidationError(refusal.message, code=refusal.code))
        if problems:
            raise forms.ValidationError(problems)
        try:
            check_total(sum(item.size for item in checked))
        except Refused as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from refusal
        return checked


# --- storing --------------------------------------------------------------------------------


def sha256_of(content: File) -> str:
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def remove_stored(names: Iterable[str]) -> None:
    for name in names:
        with suppress(OSError):
            default_storage.delete(name)


def signed_in(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def do_attach(actor, case: Case, uploads) -> list[Attachment]:
    """Store files with a case: all of them, or none if any one is refused. One audit entry
    gives their sizes and checksums, never their names (a name may name a denouncer, and the
    log keeps it for ever) or contents. A file already written when the transaction fails is
    removed again."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            # Two officers adding files at once must not pass the limits together.
            Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
            already = case.attachments.aggregate(count=Count("pk"), size=Sum("size"))
            checked = inspect_all(uploads, already["count"], already["size"] or 0)
            if not checked:
                return []
            attachments = []
            for item in checked:
                content = File(item.upload) if item.content is None else ContentFile(item.content)
                attachment = Attachment(
                    case=case, original_name=item.name, file_type=item.file_type,
                    content_type=item.content_type, size=content.size,
                    sha256=sha256_of(content), uploaded_by=signed_in(actor),
                )  # fmt: skip
                attachment.file.save(f"{uuid.uuid4().hex}.{item.format.extensions[0]}",
                                     content, save=False)  # fmt: skip
                stored.append(str(attachment.file.name))
                attachment.save()
                attachments.append(attachment)
            CaseEvent.objects.create(
                case=case, actor=signed_in(actor), action="attached", public=False,
                note=event_note(case, attachments),
            )  # fmt: skip
            record(
                audited_as(actor, case), "case.attach", case,
                sizes=[a.size for a in attachments], sha256=[a.sha256 for a in attachments],
            )  # fmt: skip
    except BaseException:
        remove_stored(stored)
        raise
    return attachments


def event_note(case: Case, attachments: list[Attachment]) -> str:
    if case.kind == Kind.DENUNCIATION:
        # A file's name may name the denouncer; the timeline is read by everyone who follows.
        return _("%(count)d tệp") % {"count": len(attachments)}
    return ", ".join(f"{a.original_name} ({filesizeformat(a.size)})" for a in attachments)


def do_submit_case_with_attachments(actor, uploads, **fields) -> Case:
    """Take in a case and its files in one transaction: if a file is refused, there is no
    case either. The files are checked before the case is made."""
    checked = inspect_all(uploads)
    if not checked:  # most cases come without files: nothing to lock, count or store
        return do_submit_case(actor, **fields)
    # A denouncer's account is sealed with the identity: the files do not name it either.
    sender = fields.get("submitted_by")
    attacher = None if sender is not None and fields.get("kind") == Kind.DENUNCIATION else actor
    attached: list[Attachment] = []
    try:
        with transaction.atomic():
            case = do_submit_case(actor, **fields)
            attached = do_attach(attacher, case, checked)
    except BaseException:
        remove_stored(str(a.file.name) for a in attached)
        raise
    return case


def do_resolve_with_files(actor, case: Case, uploads, *, answer: str, published_answer: str):
    """The resolution and its files (the decision, conclusion or reply) in one transaction:
    a file refused, or the case moved meanwhile, leaves nothing resolved and nothing stored.
    Resolved first, so that a case that moved is refused before any file is written."""
    if not uploads:
        return do_resolve(actor, case, answer=answer, published_answer=published_answer)
    attached: list[Attachment] = []
    try:
        with transaction.atomic():
            do_resolve(actor, case, answer=answer, published_answer=published_answer)
            attached = do_attach(actor, case, uploads)
    except BaseException:
        remove_stored(str(a.file.name) for a in attached)
        raise
    return case


def do_add_files(actor, case: Case, uploads) -> list[Attachment]:
    """Files a handler adds while the case is open: the row is locked and its status read,
    so that files do not join a case another officer has just finished."""
    with transaction.atomic():
        status = (
            Case.objects.select_for_update().filter(pk=case.pk)
            .values_list("status", flat=True).first()
        )  # fmt: skip
        if status not in OPEN:
            raise Refused(
                "wrong_state",
                _("Vụ việc đang ở trạng thái “%(status)s”: chỉ thêm được tệp khi vụ việc đang "
                  "xử lý. Hãy tải lại trang để xem trạng thái mới nhất.")
                % {"status": Case.Status(status).label if status else "?"},
                status=409,
            )  # fmt: skip
        return do_attach(actor, case, uploads)


# --- reading --------------------------------------------------------------------------------


def may_open(user, case: Case) -> bool:
    """A denunciation's files (a signed letter, a photo of the sender) may name the denouncer:
    like the identity, only the assigned handler opens them. Other cases' files are open to
    whoever may see the case."""
    return case.kind != Kind.DENUNCIATION or may_read_identity(user, case)


def get_attachment_for_user(user, pk: int) -> Attachment:
    """The attachment, through the case it belongs to (404 where the case is not visible,
    403 for a denunciation's file to anyone but its handler, whose every read is audited)."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404("Không tìm thấy tệp / File not found")
    case = get_case_for_user(user, attachment.case_id)
    if not may_open(user, case):
        raise PermissionDenied(
            "Chỉ cán bộ được giao xử lý mới mở được tệp của đơn tố cáo / Only the assigned "
            "handler may open a denunciation's files"
        )
    if case.kind == Kind.DENUNCIATION:
        record(user, "case.attachment_read", case, attachment=attachment.pk)
    attachment.case = case
    return attachment
