"""Files sent with a case: what is taken (by content, not by name), what a picture keeps (its
pixels, upright; not where or with what it was taken), the limits, all-or-nothing storage, the
public form and intake, the case page and who may download.

Files are made here byte by byte or with Pillow; every test stores under its own MEDIA_ROOT.
"""

import hashlib
import io
import json
import wave
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions, attachments
from nghedan.cases.attachments import do_attach, inspect
from nghedan.cases.models import Attachment, Case, CaseEvent, Channel, Kind
from nghedan.cases.tests.factories import DENOUNCER, stored_files, submit
from nghedan.lib.refusal import Refused
from nghedan.people.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

MB = 1024 * 1024
GPS = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
RED, BLUE = (255, 0, 0), (0, 0, 255)
SAI_GON_ADDRESS = "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def officer(username: str = "xuly.saigon") -> User:
    return User.objects.get(username=username)


# --- files, made here ----------------------------------------------------------------------


def photo_with_location() -> bytes:
    """A 40×20 JPEG, left half blue, taken "sideways" (orientation 6: turn 90° clockwise to
    show), with the place it was taken (GPS), the phone's make, an XMP packet and a comment."""
    image = Image.new("RGB", (40, 20), RED)
    image.paste(BLUE, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "DienThoaiCuaToi"
    exif[GPS] = {1: "N", 2: (10.0, 46.0, 30.0), 3: "E", 4: (106.0, 42.0, 10.0)}
    buffer = io.BytesIO()
    xmp = b"<x:xmpmeta><exif:GPSLatitude>10,46.5N</exif:GPSLatitude></x:xmpmeta>"
    image.save(buffer, "JPEG", quality=95, exif=exif, comment=b"nha so 12 Le Loi", xmp=xmp)
    return buffer.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Chup tai 10.7769 N, 106.7009 E")
    info.add_itxt("Author", "Nguyễn Văn An")
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 128, 0, 200)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def image_bytes(fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), RED).save(buffer, fmt, **options)
    return buffer.getvalue()


def animation(fmt: str, count: int) -> bytes:
    """`count` frames of 1 × 1 in `fmt` (GIF, WEBP, or PNG for an APNG), each unlike the one
    before: an encoder merges equal frames."""
    frames = [Image.new("RGB", (1, 1), RED if n % 2 else BLUE) for n in range(count)]
    options = {"lossless": True} if fmt == "WEBP" else {}
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=40, loop=0,
                   **options)  # fmt: skip
    assert getattr(Image.open(io.BytesIO(buffer.getvalue())), "n_frames", 1) == count
    return buffer.getvalue()


def gif_of_tiny_frames(count: int) -> bytes:
    """A GIF of `count` 1 × 1 frames, made by repeating the bytes of one frame: quick to make
    however many."""
    two = animation("GIF", 2)
    first = two.index(b"\x21\xf9")  # each frame starts with its graphic control extension
    second = two.index(b"\x21\xf9", first + 1)
    return two[:first] + two[second:-1] * count + b";"


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + MP3_FRAME * 3
AMR = b"#!AMR\n" + b"\x3c" + b"\x00" * 31
OPUS = (
    b"OggS\x00\x02" + b"\x00" * 8 + b"\x01\x00\x00\x00" + b"\x00" * 8 + b"\x01\x13"
    + b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"
)  # fmt: skip
THEORA = OPUS.replace(b"\x01\x13OpusHead", b"\x01\x13\x80theora\x00")
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100 + b"This program cannot be run in DOS"


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 800)
    return buffer.getvalue()


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4(*handlers: bytes, brand: bytes = b"M4A ") -> bytes:
    """An MPEG-4 file with one track per handler ("soun" for sound, "vide" for video)."""
    tracks = b"".join(
        box(b"trak", box(b"mdia", box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 13)))
        for handler in handlers
    )
    return box(b"ftyp", brand + b"\x00\x00\x00\x00" + brand) + box(b"moov", tracks) + box(b"mdat")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- what is taken, by content ------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, file_type, content_type",
    [
        ("anh.jpg", image_bytes("JPEG"), "image", "image/jpeg"),
        ("Ảnh chụp.JPEG", image_bytes("JPEG"), "image", "image/jpeg"),
        ("anh.png", image_bytes("PNG"), "image", "image/png"),
        ("anh.gif", image_bytes("GIF"), "image", "image/gif"),
        ("anh.webp", image_bytes("WEBP"), "image", "image/webp"),
        ("don.pdf", PDF, "pdf", "application/pdf"),
        ("ghi-am.mp3", MP3, "audio", "audio/mpeg"),
        ("khong-the.mp3", MP3_FRAME * 2, "audio", "audio/mpeg"),
        ("ghi-am.m4a", mp4(b"soun"), "audio", "audio/mp4"),
        ("ghi-am.mp4", mp4(b"soun", brand=b"isom"), "audio", "audio/mp4"),
        ("ghi-am.ogg", OPUS, "audio", "audio/ogg"),
        ("ghi-am.wav", wav(), "audio", "audio/wav"),
        ("ghi-am.amr", AMR, "audio", "audio/amr"),
        ("khong-co-duoi", PDF, "pdf", "application/pdf"),
    ],
    ids=["jpeg", "jpeg-upper-case-name", "png", "gif", "webp", "pdf", "mp3-id3", "mp3-frames",
         "m4a", "mp4-sound-only", "ogg-opus", "wav", "amr", "no-extension"],
)  # fmt: skip
def test_the_type_is_read_from_the_content(name, content, file_type, content_type):
    checked = inspect(upload(name, content))
    assert (checked.file_type, checked.content_type) == (file_type, content_type)


@pytest.mark.parametrize(
    "name, content, code, words",
    [
        ("anh.jpg", EXE, "attachment_type", "không phải ảnh, tệp PDF hay ghi âm"),
        ("don.pdf", HTML, "attachment_type", "không phải ảnh, tệp PDF hay ghi âm"),
        ("trang.html", HTML, "attachment_type", "không phải ảnh, tệp PDF hay ghi âm"),
        ("anh.jpg", PDF, "attachment_mismatch", "có đuôi .jpg nhưng nội dung là tệp PDF"),
        ("don.pdf", image_bytes("PNG"), "attachment_mismatch", "nội dung là ảnh PNG"),
        ("chuong-trinh.exe", image_bytes("JPEG"), "attachment_mismatch", "có đuôi .exe"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + EXE, "attachment_unreadable", "không mở được"),
        ("anh.png", image_bytes("PNG")[:40], "attachment_unreadable", "không mở được"),
        ("phim.m4a", mp4(b"vide", b"soun", brand=b"isom"), "attachment_type", "không phải"),
        ("hong.m4a", mp4(b"soun")[:-20] + b"\x00\x00\xff\xff", "attachment_type", "không phải"),
        ("phim.ogg", THEORA, "attachment_type", "không phải"),
        ("gia.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + HTML, "attachment_type", "không phải"),
        ("trong.pdf", b"", "attachment_empty", "trống"),
    ],
    ids=["exe-named-jpg", "html-named-pdf", "html", "pdf-named-jpg", "png-named-pdf",
         "jpeg-named-exe", "jpeg-header-then-exe", "truncated-png", "mp4-with-video",
         "broken-mp4-boxes", "ogg-video", "id3-then-html", "empty"],
)  # fmt: skip
def test_a_file_that_is_not_what_it_says_is_refused_with_the_reason(name, content, code, words):
    with pytest.raises(Refused) as refused:
        inspect(upload(name, content))
    assert refused.value.code == code
    assert refused.value.field == "attachments"
    assert words in refused.value.message
    if code in ("attachment_type", "attachment_mismatch", "attachment_unreadable"):
        assert "Chỉ nhận ảnh (JPEG, PNG, GIF, WebP), tệp PDF và ghi âm" in refused.value.message


def test_a_file_over_ten_megabytes_is_refused():
    with pytest.raises(Refused) as refused:
        inspect(upload("don-day.pdf", PDF + b"\x00" * (10 * MB - len(PDF) + 1)))
    assert refused.value.code == "attachment_too_large"
    assert "quá mức 10 MB cho mỗi tệp" in refused.value.message
    inspect(upload("don-vua.pdf", PDF + b"\x00" * (10 * MB - len(PDF))))  # exactly 10 MB: taken


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, "PNG")
    with pytest.raises(Refused) as refused:
        inspect(upload("rat-lon.png", buffer.getvalue()))
    assert refused.value.code == "attachment_image_too_large"
    assert "10000 × 6000" in refused.value.message


ANIMATED = pytest.mark.parametrize(
    "fmt, name", [("GIF", "dong.gif"), ("WEBP", "dong.webp"), ("PNG", "dong.png")],
    ids=["gif", "webp", "apng"],
)  # fmt: skip


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail if a picture reaches decoding: what follows must be refused before."""

    def decode(*args, **kwargs):
        raise AssertionError("the frames were decoded")

    monkeypatch.setattr(attachments, "encode", decode)


@ANIMATED
def test_an_animation_of_too_many_frames_is_refused_and_nothing_is_created(
    client, demo, media, no_decoding, fmt, name
):
    content = animation(fmt, attachments.MAX_FRAMES + 1)
    files = [upload(name, content)]
    response = client.post(reverse("cases:submit"), form_data(attachments=files))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_attachments_error"' in page
    assert (
        f"Ảnh động “{name}” có hơn 500 khung hình, quá mức hệ thống nhận. Hãy gửi ảnh tĩnh "
        "(một ảnh chụp hoặc ảnh chụp màn hình) thay cho ảnh động"
    ) in page
    assert Case.objects.count() == 0 and not Attachment.objects.exists()
    assert stored_files(media) == []
    assert not AuditEntry.objects.filter(action__in=["case.submit", "case.attach"]).exists()


def test_a_gif_of_200000_tiny_frames_is_refused_without_reading_it_through(no_decoding):
    content = gif_of_tiny_frames(200_000)
    assert 5 * MB < len(content) < 10 * MB
    with pytest.raises(Refused) as refused:
        inspect(upload("bom.gif", content))
    assert refused.value.code == "attachment_too_many_frames"


def test_an_animated_gif_of_as_many_frames_as_allowed_is_taken(client, demo, media):
    content = animation("GIF", attachments.MAX_FRAMES)
    response = client.post(
        reverse("cases:submit"), form_data(attachments=[upload("dong.gif", content)])
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = Case.objects.get().attachments.get()
    assert Image.open(attachment.file.path).n_frames == attachments.MAX_FRAMES


@ANIMATED
def test_each_frame_counts_as_at_least_64_by_64_pixels(monkeypatch, fmt, name):
    monkeypatch.setattr(attachments, "MAX_IMAGE_PIXELS", 10 * 64 * 64)
    inspect(upload(name, animation(fmt, 10)))
    with pytest.raises(Refused) as refused:
        inspect(upload(name, animation(fmt, 11)))
    assert refused.value.code == "attachment_image_too_large"
    assert f"Ảnh động “{name}” quá lớn (11 khung hình, mỗi khung 1 × 1 điểm ảnh)" in (
        refused.value.message
    )


def test_a_gif_frame_larger_than_the_header_says_counts_at_its_size(no_decoding):
    """Pillow makes the canvas as large as the largest frame, whatever the header says."""
    content = animation("GIF", 2)
    # The second frame's descriptor, after its 8-byte graphic control extension.
    second = content.index(b"\x21\xf9", content.index(b"\x21\xf9") + 1) + 8
    assert content[second : second + 1] == b","
    place_and_size = (
        b"\x00\x00\x00\x00" + (10_000).to_bytes(2, "little") + (6_000).to_bytes(2, "little")
    )
    content = content[: second + 1] + place_and_size + content[second + 9 :]
    assert Image.open(io.BytesIO(content)).size == (1, 1)
    with pytest.raises(Refused) as refused:
        inspect(upload("lua.gif", content))
    assert refused.value.code == "attachment_image_too_large"
    assert "2 khung hình, mỗi khung 10000 × 6000 điểm ảnh" in refused.value.message


# --- what a picture keeps -----------------------------------------------------------------


def test_a_photo_is_stored_upright_without_its_location_or_any_exif(demo, media):
    original = photo_with_location()
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(GPS) and source.getexif()[MAKE] == "DienThoaiCuaToi"
    case = submit()

    (attachment,) = do_attach(officer(), case, [upload("hien-truong.jpg", original)])

    stored = Path(attachment.file.path).read_bytes()
    assert attachment.file.path.startswith(str(media))
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not {"exif", "xmp", "comment"} & set(image.info)
    for trace in (b"Exif", b"DienThoaiCuaToi", b"GPSLatitude", b"Le Loi"):
        assert trace not in stored
    # Turned as the phone showed it: now 20 wide, 40 high, the blue half on top.
    assert image.size == (20, 40)
    assert _near(image.getpixel((10, 5)), BLUE) and _near(image.getpixel((10, 35)), RED)
    assert attachment.sha256 == sha256(stored) and attachment.size == len(stored)
    assert (attachment.file_type, attachment.content_type) == ("image", "image/jpeg")
    assert attachment.original_name == "hien-truong.jpg"
    assert attachment.file.name.endswith(".jpg") and "hien-truong" not in attachment.file.name


def _near(pixel, colour) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_a_png_loses_its_text_chunks(demo):
    original = png_with_text()
    assert "Comment" in Image.open(io.BytesIO(original)).info

    (attachment,) = do_attach(officer(), submit(), [upload("so-do.png", original)])

    stored = Path(attachment.file.path).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert image.info == {} and image.mode == "RGBA"
    assert b"tEXt" not in stored and b"iTXt" not in stored and b"10.7769" not in stored
    assert image.getpixel((3, 3)) == (0, 128, 0, 200)


def test_an_animated_gif_keeps_its_frames_and_loses_its_comment(demo):
    frames = [Image.new("RGB", (6, 6), colour) for colour in (RED, BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=[100, 300],
                   loop=0, comment=b"chup o nha so 12")  # fmt: skip

    (attachment,) = do_attach(officer(), submit(), [upload("dong.gif", buffer.getvalue())])

    stored = Path(attachment.file.path).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert image.n_frames == 2 and b"nha so 12" not in stored and "comment" not in image.info


def test_a_phones_two_picture_jpeg_is_stored_as_its_first_picture(demo):
    """Phones write portrait photos as MPO: a JPEG followed by a depth or preview picture,
    each with its own EXIF."""
    exif = Image.Exif()
    exif[GPS] = {1: "N", 2: (10.0, 46.0, 30.0)}
    pictures = [Image.new("RGB", (16, 8), RED), Image.new("RGB", (4, 4), BLUE)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "MPO", save_all=True, append_images=pictures[1:], exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    (attachment,) = do_attach(officer(), submit(), [upload("chan-dung.jpg", buffer.getvalue())])

    image = Image.open(attachment.file.path)
    assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (16, 8), 1)
    assert dict(image.getexif()) == {} and attachment.content_type == "image/jpeg"


# --- stored as they came --------------------------------------------------------------------


def test_a_pdf_and_recordings_are_stored_as_they_came(demo):
    files = {"don.pdf": PDF, "ghi-am.mp3": MP3, "ghi-am.wav": wav()}
    case = submit()

    stored = do_attach(officer(), case, [upload(name, content) for name, content in files.items()])

    assert [a.original_name for a in stored] == list(files)
    for attachment, content in zip(stored, files.values(), strict=True):
        assert Path(attachment.file.path).read_bytes() == content
        assert attachment.sha256 == sha256(content) and attachment.size == len(content)
        assert attachment.uploaded_by == officer()
    assert [a.content_type for a in stored] == ["application/pdf", "audio/mpeg", "audio/wav"]
    assert [a.file_type for a in stored] == ["pdf", "audio", "audio"]


def test_attaching_writes_one_audit_entry_with_sizes_and_checksums_but_no_name_or_content(demo):
    case = submit()
    do_attach(officer(), case, [upload("don.pdf", PDF), upload("ghi-am.amr", AMR)])

    entry = AuditEntry.objects.get(action="case.attach")
    assert entry.actor == officer() and entry.target_id == str(case.pk)
    assert entry.data == {
        "sizes": [len(PDF), len(AMR)],
        "sha256": [sha256(PDF), sha256(AMR)],
    }
    written = json.dumps(entry.data)
    assert "%PDF" not in written and "#!AMR" not in written and "Catalog" not in written
    assert "don.pdf" not in written
    event = CaseEvent.objects.get(case=case, action="attached")
    assert not event.public and event.actor == officer() and "don.pdf" in event.note


# --- the limits, and all or nothing ---------------------------------------------------------


def test_more_than_five_files_are_refused_and_nothing_is_stored(demo, media):
    case = submit()
    with pytest.raises(Refused) as refused:
        do_attach(officer(), case, [upload(f"trang-{n}.pdf", PDF) for n in range(6)])
    assert refused.value.code == "attachments_too_many"
    assert "tối đa 5 tệp" in refused.value.message
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_the_cases_limit_counts_the_files_it_already_has(demo, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_CASE_FILES", 7)
    case = submit()
    do_attach(officer(), case, [upload(f"trang-{n}.pdf", PDF) for n in range(5)])
    do_attach(officer(), case, [upload("bien-ban.pdf", PDF)])  # five at once, more later
    with pytest.raises(Refused) as refused:
        do_attach(officer(), case, [upload("them-1.pdf", PDF), upload("them-2.pdf", PDF)])
    assert refused.value.code == "attachments_too_many"
    assert "đã có 6 tệp" in refused.value.message and "thêm được 1 tệp" in refused.value.message
    assert case.attachments.count() == 6
    do_attach(officer(), case, [upload("them-1.pdf", PDF)])
    assert case.attachments.count() == 7


def test_the_cases_size_limit_counts_what_it_already_holds(demo, media, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_CASE_BYTES", 20 * MB)
    big = PDF + b"\x00" * (9 * MB)
    case = submit()
    do_attach(officer(), case, [upload("phan-1.pdf", big), upload("phan-2.pdf", big)])
    with pytest.raises(Refused) as refused:
        do_attach(officer(), case, [upload("phan-3.pdf", big)])
    assert refused.value.code == "attachments_too_large"
    assert "quá mức 20 MB cho mỗi vụ việc" in refused.value.message
    assert case.attachments.count() == 2


def test_more_than_twenty_five_megabytes_together_are_refused(demo, media):
    big = PDF + b"\x00" * (9 * MB)
    with pytest.raises(Refused) as refused:
        do_attach(officer(), submit(), [upload(f"phan-{n}.pdf", big) for n in range(3)])
    assert refused.value.code == "attachments_too_large"
    assert "quá mức 25 MB cho một lần gửi" in refused.value.message
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_one_refused_file_stores_none_of_the_others(demo, media):
    case = submit()
    files = [upload("don.pdf", PDF), upload("anh.jpg", image_bytes("JPEG")),
             upload("anh-gia.jpg", EXE)]  # fmt: skip
    with pytest.raises(Refused) as refused:
        do_attach(officer(), case, files)
    assert "anh-gia.jpg" in refused.value.message
    assert not Attachment.objects.exists() and stored_files(media) == []
    assert not AuditEntry.objects.filter(action="case.attach").exists()
    assert not CaseEvent.objects.filter(action="attached").exists()


def test_files_already_written_are_removed_when_the_transaction_fails(demo, media, monkeypatch):
    case = submit()

    def broken_audit(*args, **kwargs):
        assert len(stored_files(media)) == 2  # both were written before the failure
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(attachments, "record", broken_audit)
    with pytest.raises(RuntimeError):
        do_attach(officer(), case, [upload("don.pdf", PDF), upload("anh.png", png_with_text())])
    assert stored_files(media) == []
    assert not Attachment.objects.exists()


# --- the public form --------------------------------------------------------------------------


def form_data(**changes) -> dict:
    data = {
        "kind": "feedback",
        "category": "infrastructure",
        "address": SAI_GON_ADDRESS,
        "title": "Cây đổ chắn ngang đường Lê Lợi",
        "description": "Cây xanh trước số 12 đổ sau cơn mưa, chắn hết lối đi.",
        "people_count": "1",
        "submitter_name": "",
        "submitter_phone": "",
        "submitter_email": "",
        "submitter_address": "",
        "website": "",
    }
    data.update(changes)
    return data


def test_the_public_form_offers_the_file_picker(client, demo):
    page = client.get(reverse("cases:submit")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'name="attachments"' in page and "multiple" in page
    assert 'accept="image/*,application/pdf,audio/*"' in page
    assert "Tối đa 5 tệp một lần, mỗi tệp đến 10 MB, tổng cộng đến 25 MB" in page


def test_a_citizen_sends_a_photo_with_the_matter(client, demo, media):
    files = [upload("cay-do.jpg", photo_with_location()), upload("don.pdf", PDF)]
    response = client.post(reverse("cases:submit"), form_data(attachments=files))

    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert [a.original_name for a in case.attachments.all()] == ["cay-do.jpg", "don.pdf"]
    assert len(stored_files(media)) == 2
    assert all(a.uploaded_by is None for a in case.attachments.all())
    photo = case.attachments.get(file_type="image")
    assert dict(Image.open(photo.file.path).getexif()) == {}


def test_a_refused_file_on_the_public_form_leaves_no_case_and_no_file(client, demo, media):
    files = [upload("anh.jpg", image_bytes("JPEG")), upload("thu-moi.pdf", HTML)]
    response = client.post(reverse("cases:submit"), form_data(attachments=files))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_attachments_error"' in page
    assert "Tệp “thu-moi.pdf” không phải ảnh, tệp PDF hay ghi âm" in page
    assert Case.objects.count() == 0 and stored_files(media) == []
    assert not AuditEntry.objects.filter(action__in=["case.submit", "case.attach"]).exists()


def test_when_another_field_is_wrong_the_citizen_is_told_to_choose_the_files_again(client, demo):
    data = form_data(title="", attachments=[upload("don.pdf", PDF)])
    response = client.post(reverse("cases:submit"), data)
    assert response.status_code == 400
    assert "hãy chọn lại tệp trước khi gửi" in response.content.decode()
    assert Case.objects.count() == 0


def test_too_many_files_on_the_public_form_are_refused_beside_the_field(client, demo, media):
    files = [upload(f"trang-{n}.pdf", PDF) for n in range(6)]
    response = client.post(reverse("cases:submit"), form_data(attachments=files))
    assert response.status_code == 400
    assert "Chỉ gửi được tối đa 5 tệp một lần (bạn đã chọn 6)" in response.content.decode()
    assert Case.objects.count() == 0 and stored_files(media) == []


def test_a_refusal_while_attaching_takes_the_case_back(client, demo, media, monkeypatch):
    """The form passed the files, then the action refuses after writing them: the case and
    the written files go too."""

    def refuse(*args, **kwargs):
        assert Case.objects.count() == 1 and len(stored_files(media)) == 1
        raise Refused("attachments_too_many", "Vụ việc đã có đủ tệp.", field="attachments")

    monkeypatch.setattr(attachments, "record", refuse)
    response = client.post(reverse("cases:submit"), form_data(attachments=[upload("don.pdf", PDF)]))
    assert response.status_code == 400 and "Vụ việc đã có đủ tệp." in response.content.decode()
    assert Case.objects.count() == 0 and stored_files(media) == []


def test_a_denouncers_files_do_not_name_their_account(client_for, demo):
    kim = client_for("nguoidan.kim")
    data = form_data(kind="denunciation", category="official_conduct",
                     attachments=[upload("bien-nhan.pdf", PDF)], **DENOUNCER)  # fmt: skip
    assert kim.post(reverse("cases:submit"), data).status_code == 302
    case = Case.objects.get(kind=Kind.DENUNCIATION)
    assert case.attachments.get().uploaded_by is None
    assert CaseEvent.objects.get(case=case, action="attached").actor is None
    assert "bien-nhan" not in CaseEvent.objects.get(case=case, action="attached").note
    assert AuditEntry.objects.get(action="case.attach").actor is None


def test_the_tracking_page_shows_no_attachment(client, demo):
    case = submit()
    do_attach(officer(), case, [upload("giay-to-rieng.pdf", PDF)])
    page = client.get(reverse("cases:track_case", args=[case.code])).content.decode()
    assert case.code in page
    assert "giay-to-rieng" not in page and "/can-bo/tep/" not in page and "đính kèm" not in page


# --- intake -------------------------------------------------------------------------------------


def intake_data(**changes) -> dict:
    data = {
        "channel": Channel.LETTER,
        "kind": Kind.RECOMMENDATION,
        "category": "infrastructure",
        "title": "Đề nghị sửa cống trên đường Đồng Khởi",
        "description": "Thư tay của ông Trần Văn Thư đề nghị sửa cống bị vỡ.",
        "address": "20 Đồng Khởi, P. Bến Nghé, Q.1, TP.HCM",
        "commune": "",
        "organization": "",
        "submitter_name": "Trần Văn Thư",
        "submitter_phone": "",
        "submitter_email": "",
        "submitter_address": "20 Đồng Khởi",
        "people_count": 1,
        "first_instance_code": "",
    }
    data.update(changes)
    return data


def test_a_letter_is_taken_in_with_its_scans_and_listed_on_the_case(client_for, demo, media):
    reception = client_for("tiepnhan.saigon")
    page = reception.get(reverse("cases:intake")).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="attachments"' in page

    envelope = PDF + b"\x00" * (3 * 1024 - len(PDF))
    scans = [upload("trang-1.jpg", photo_with_location()), upload("phong-bi.pdf", envelope)]
    response = reception.post(reverse("cases:intake"), intake_data(attachments=scans))

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case", args=[case.pk]
    )
    assert case.channel == Channel.LETTER
    assert [a.uploaded_by.username for a in case.attachments.all()] == ["tiepnhan.saigon"] * 2
    assert len(stored_files(media)) == 2
    page = reception.get(response["Location"]).content.decode()
    assert "Tệp đính kèm" in page
    assert "trang-1.jpg" in page and "phong-bi.pdf" in page and "Ảnh" in page
    assert "3,0\xa0KB" in page
    assert "Đính kèm tệp" in page  # the line on the timeline


def test_intake_with_a_refused_file_creates_nothing(client_for, demo, media):
    reception = client_for("tiepnhan.saigon")
    data = intake_data(attachments=[upload("quet.pdf", PDF), upload("quet.jpg", EXE)])
    response = reception.post(reverse("cases:intake"), data)
    assert response.status_code == 400
    assert "Tệp “quet.jpg” không phải ảnh, tệp PDF hay ghi âm" in response.content.decode()
    assert Case.objects.count() == 0 and stored_files(media) == []


# --- downloading ------------------------------------------------------------------------------


def download_url(attachment: Attachment) -> str:
    return reverse("cases:attachment", args=[attachment.pk])


def test_the_download_address(demo):
    (attachment,) = do_attach(officer(), submit(), [upload("don.pdf", PDF)])
    assert download_url(attachment) == f"/can-bo/tep/{attachment.pk}/"


def test_the_wards_handler_downloads_the_file_as_it_was_stored(client_for, demo):
    (attachment,) = do_attach(officer(), submit(), [upload("Đơn đề nghị.pdf", PDF)])
    response = client_for("xuly.saigon").get(download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%C4%90%C6%A1n%20%C4%91%E1%BB%81%20ngh%E1%BB%8B.pdf"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_case_page_links_each_file_to_its_download(client_for, demo):
    case = submit()
    (attachment,) = do_attach(officer(), case, [upload("don.pdf", PDF)])
    page = client_for("xuly.saigon").get(reverse("cases:case", args=[case.pk])).content.decode()
    assert f'href="{download_url(attachment)}"' in page


def test_an_officer_of_another_ward_gets_404_as_for_a_file_that_does_not_exist(client_for, demo):
    (attachment,) = do_attach(officer(), submit(), [upload("don.pdf", PDF)])
    ben_thanh = client_for("tiepnhan.benthanh")
    assert ben_thanh.get(download_url(attachment)).status_code == 404
    assert ben_thanh.get(f"/can-bo/tep/{attachment.pk + 1000}/").status_code == 404


def test_a_stranger_is_sent_to_sign_in_and_who_does_not_work_on_cases_is_refused(client_for, demo):
    (attachment,) = do_attach(officer(), submit(), [upload("don.pdf", PDF)])
    response = client_for(None).get(download_url(attachment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:sign_in"))
    for persona in ["nguoidan.kim", "quantri.thanhpho"]:  # a citizen, an administrator
        assert client_for(persona).get(download_url(attachment)).status_code == 403


def test_a_supervisor_who_follows_the_case_downloads_its_files(client_for, demo):
    (attachment,) = do_attach(officer(), submit(), [upload("don.pdf", PDF)])
    assert client_for("giamsat.mttq.saigon").get(download_url(attachment)).status_code == 200


def test_a_denunciations_files_are_opened_by_its_assigned_handler_only(client_for, demo):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    (attachment,) = do_attach(officer(), case, [upload("don-to-cao-ky-ten.pdf", PDF)])
    reception = client_for("tiepnhan.saigon")
    assert reception.get(download_url(attachment)).status_code == 403
    page = reception.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "don-to-cao-ky-ten" not in page and "có 1 tệp đính kèm" in page

    actions.do_assign(officer(), case, officer())
    handler = client_for("xuly.saigon")
    assert handler.get(download_url(attachment)).status_code == 200
    read = AuditEntry.objects.get(action="case.attachment_read")
    assert read.actor == officer() and read.data == {"attachment": attachment.pk}
