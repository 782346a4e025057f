"""Officers' classifications become labelled examples for the category model."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions
from nghedan.cases.models import Category, Kind
from nghedan.cases.tests.factories import DENOUNCER, submit
from nghedan.people.models import User

pytestmark = pytest.mark.django_db


def classify(case, category: str, reason: str = ""):
    officer = User.objects.get(username="xuly.saigon")
    return actions.do_classify(
        officer, case, kind=case.kind, category=Category.objects.get(code=category),
        condition="normal", people_count=1, reason=reason,
    )  # fmt: skip


def test_confirmed_and_corrected_fields_are_exported_and_the_rest_is_not(demo, tmp_path):
    confirmed = classify(submit(title="Ổ gà trên đường Lê Lợi"), "infrastructure")
    corrected = classify(submit(title="Quán nhậu lấn chiếm vỉa hè"), "infrastructure")
    classify(corrected, "urban_order", reason="Lấn chiếm vỉa hè là trật tự đô thị")
    submit(title="Chưa ai đọc")
    classify(submit(kind=Kind.DENUNCIATION, title="Tố cáo cán bộ", **DENOUNCER), "official_conduct")

    out = tmp_path / "officers.jsonl"
    call_command("export_category_examples", str(out))

    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(row["text"].split("\n")[0], row["label"], row["source"]) for row in rows] == [
        (confirmed.title, "infrastructure", "officer"),
        (corrected.title, "urban_order", "officer_correction"),
    ]
    entry = AuditEntry.objects.get(action="case.export", target_id="category_examples")
    assert entry.data["count"] == 2 and entry.data["path"] == str(out)


def test_a_missing_folder_is_named(demo, tmp_path):
    with pytest.raises(CommandError, match="Không có thư mục"):
        call_command("export_category_examples", str(tmp_path / "nowhere" / "x.jsonl"))
