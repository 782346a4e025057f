"""Text as people meant it: composed, without control characters or invisible marks."""

import sys
import unicodedata

from nghedan.lib.plain_text import FORMAT_CHARACTERS, plain_text, visible_text


def test_decomposed_vietnamese_is_composed():
    decomposed = unicodedata.normalize("NFD", "Ngập nước đường Lê Lợi")
    assert plain_text(decomposed) == "Ngập nước đường Lê Lợi"
    assert len(plain_text(decomposed)) < len(decomposed)


def test_control_characters_go_and_line_breaks_stay():
    assert plain_text(" Dòng\x00 một\r\nDòng\x08 hai\r\tba\x7f ") == "Dòng một\nDòng hai\n\tba"


def test_invisible_marks_go_so_that_nothing_but_them_is_empty():
    assert visible_text("\u200b\u2060\ufeff\u00ad") == ""
    assert visible_text("Ngập\u200b nước\u200d") == "Ngập nước"
    assert plain_text("Ngập\u200b") == "Ngập\u200b"  # the stored texts' digests keep them


def test_the_pattern_takes_every_format_character_and_nothing_else():
    everything = [chr(code) for code in range(sys.maxunicode + 1)]
    matched = {ch for ch in everything if FORMAT_CHARACTERS.fullmatch(ch)}
    format_characters = {ch for ch in everything if unicodedata.category(ch) == "Cf"}
    assert format_characters <= matched
    assert all(unicodedata.category(ch) in ("Cf", "Cn") for ch in matched - format_characters)
