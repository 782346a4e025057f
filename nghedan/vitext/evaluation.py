"""Scores of a classifier: accuracy, macro-F1 and F1 per label, and reading labelled JSONL."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scores:
    rows: int
    accuracy: float
    macro_f1: float
    f1: dict[str, float]

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "f1": {k: round(v, 4) for k, v in self.f1.items()},
        }


def score(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> Scores:
    """Accuracy and F1 of each label (macro-F1: their plain mean over `labels`)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    f1: dict[str, float] = {}
    for label in labels:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label and p == label)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if t != label and p == label)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label and p != label)
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    correct = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p)
    rows = len(truth)
    return Scores(
        rows=rows,
        accuracy=correct / rows if rows else 0.0,
        macro_f1=sum(f1.values()) / len(f1) if f1 else 0.0,
        f1=f1,
    )


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each line of a JSONL file, gzipped or not. Broken lines raise
    ValueError naming the line."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"{path}, dòng {number}: không phải JSON hợp lệ ({error.msg}); "
                    "mỗi dòng phải là một đối tượng JSON."
                ) from error
            if not isinstance(item, dict):
                raise ValueError(f"{path}, dòng {number}: cần một đối tượng JSON {{...}}.")
            yield number, item


@dataclass(frozen=True)
class LabelledRows:
    texts: list[str]
    labels: list[str]
    contexts: list[str]  # one per text ("" for none); empty when no context field was asked


def labelled_rows(
    path: Path, label_field: str, label_map: dict[str, str] | None = None, context_field: str = ""
) -> LabelledRows:
    """Texts and labels of a JSONL file with fields `text` and `label_field`, and each text's
    context from `context_field` when one is named (a missing one counts as none)."""
    rows = LabelledRows([], [], [])
    for number, item in read_jsonl(path):
        if not isinstance(item.get("text"), str) or label_field not in item:
            raise ValueError(
                f"{path}, dòng {number}: thiếu trường 'text' (chuỗi) hoặc '{label_field}'; "
                "hãy dùng --label-field để chọn trường nhãn."
            )
        label = str(item[label_field])
        rows.texts.append(item["text"])
        rows.labels.append(label_map.get(label, label) if label_map else label)
        if context_field:
            context = item.get(context_field)
            rows.contexts.append(context if isinstance(context, str) else "")
    return rows


def format_table(task: str, scores: Scores) -> str:
    """A plain-text table: task, rows, accuracy, macro-F1, then F1 per label."""
    lines = [
        f"{'task':<18}{'rows':>8}{'accuracy':>10}{'macro-F1':>10}",
        f"{task:<18}{scores.rows:>8}{scores.accuracy:>10.4f}{scores.macro_f1:>10.4f}",
        "",
        f"{'label':<30}{'F1':>8}",
    ]
    lines += [f"{label:<30}{value:>8.4f}" for label, value in scores.f1.items()]
    return "\n".join(lines)
