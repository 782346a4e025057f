"""Command line of the engine.

python -m nghedan.vitext train --task topic --data ../shared/data [--extra F.jsonl] [--out DIR]
python -m nghedan.vitext evaluate --model topic --file F.jsonl[.gz] [--label-field label]
python -m nghedan.vitext analyze "Văn bản cần phân tích"
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .analyzer import MODELS_DIR, Analyzer
from .cards import SHARED_NOTES, write_card, write_index
from .evaluation import format_table, labelled_rows, score
from .features import FEATURES_VERSION, featurize
from .linear import LinearModel, ModelSet, available
from .normalize import normalize
from .training import TASKS, train_task


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def command_train(args: argparse.Namespace) -> int:
    task = TASKS.get(args.task)
    if task is None:
        return _fail(f"Không có nhiệm vụ '{args.task}'. Chọn một trong: {', '.join(TASKS)}.")
    data = Path(args.data)
    extra = [Path(p) for p in args.extra]
    missing = [str(p) for p in [data, *extra] if not p.exists()]
    if missing:
        return _fail(
            f"Không tìm thấy: {', '.join(missing)}. Kiểm tra lại đường dẫn --data/--extra."
        )
    started = time.perf_counter()
    try:
        outcome = train_task(task, data, extra)
    except (ValueError, FileNotFoundError) as error:
        return _fail(f"Không huấn luyện được {task.name}: {error}")
    model = outcome.model
    command = f"python -m nghedan.vitext train --task {task.name} --data {args.data}"
    command += "".join(f" --extra {p}" for p in args.extra)
    model.meta.update(
        task=task.name,
        command=command,
        method={"kind": outcome.chosen.kind, **outcome.chosen.params},
        tune_scores=outcome.tune,
        dev_scores=outcome.dev.as_dict(),
        label_field=task.label_field,
        label_map=task.label_map,
        context_field=task.context_field,
        data_files=list(task.data_files),
        licence=task.licence,
        training_seconds=round(time.perf_counter() - started, 1),
        extra_scores=outcome.extra_scores,
        gate=outcome.gate,
        tuning=(
            f"decision offsets tuned for {task.metric} on "
            + (
                f"out-of-fold scores ({task.folds} seeded folds of train)"
                if task.folds > 1
                else "a seeded 10% tune split of train"
            )
            if task.tune_offsets
            else "none (arg-max)"
        ),
    )
    out = Path(args.out) if args.out else MODELS_DIR
    model.save(out)
    write_card(out, task.name)
    if out == MODELS_DIR:
        write_index(out, SHARED_NOTES)
    size = (out / f"{task.name}.npz").stat().st_size
    print(format_table(task.name, outcome.dev))
    print(f"\n→ {out / task.name}.npz ({size / 1e6:.2f} MB, {len(model.keys)} keys)")
    return 0


def command_evaluate(args: argparse.Namespace) -> int:
    folder = Path(args.models) if args.models else MODELS_DIR
    try:
        model = LinearModel.load(folder, args.model)
    except FileNotFoundError:
        return _fail(f"Không có mô hình '{args.model}' trong {folder}: hãy huấn luyện nó trước.")
    label_field = args.label_field or model.meta.get("label_field", "label")
    context_field = model.meta.get("context_field", "")
    try:
        rows = labelled_rows(
            Path(args.file), label_field, model.meta.get("label_map"), context_field
        )
    except (ValueError, OSError) as error:
        return _fail(str(error))
    if not rows.texts:
        return _fail(f"{args.file} không có dòng nào có nhãn.")
    contexts = [normalize(c) for c in rows.contexts] if context_field else None
    batch = featurize([normalize(t) for t in rows.texts], contexts)
    answers = ModelSet([model]).answer(batch)[model.name]
    labels = [*model.labels, *sorted(set(rows.labels) - set(model.labels))]
    print(format_table(model.name, score(rows.labels, [a.label for a in answers], labels)))
    if model.meta.get("gate"):
        given = [i for i, a in enumerate(answers) if a.withheld is None]
        print(
            f"\nQua cổng (gate) của mô hình: trả lời {len(given)}/{len(answers)} dòng, "
            "bỏ trống những dòng lạ hoặc không đủ chắc. "
            f"(answered {len(given)} of {len(answers)} rows through the gate)\n"
        )
        truth = [rows.labels[i] for i in given]
        predicted = [answers[i].label for i in given]
        print(format_table(f"{model.name} (answered)", score(truth, predicted, labels)))
    return 0


def command_analyze(args: argparse.Namespace) -> int:
    text = args.text if args.text is not None else sys.stdin.read()
    result = Analyzer().analyze(text, args.context)
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str))
    return 0


def command_cards(args: argparse.Namespace) -> int:
    folder = Path(args.models) if args.models else MODELS_DIR
    for name in available(folder):
        print(f"→ {write_card(folder, name)}")
    print(f"→ {write_index(folder, SHARED_NOTES)}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m nghedan.vitext",
        description=f"Vitext: Vietnamese language engine (features v{FEATURES_VERSION})",
    )
    commands = main.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train one task's model")
    train.add_argument("--task", required=True, choices=sorted(TASKS))
    train.add_argument("--data", required=True, help="the data folder (../shared/data)")
    train.add_argument("--extra", action="append", default=[], help="JSONL of text,label")
    train.add_argument("--out", help="where to write the artifact (default: the models folder)")
    train.set_defaults(run=command_train)
    evaluate = commands.add_parser("evaluate", help="score a model on a labelled JSONL file")
    evaluate.add_argument("--model", required=True)
    evaluate.add_argument("--file", required=True)
    evaluate.add_argument("--label-field", help="the label's field (default: the model's own)")
    evaluate.add_argument("--models", help="the models folder (default: the committed one)")
    evaluate.set_defaults(run=command_evaluate)
    cards = commands.add_parser("cards", help="rewrite the model cards and their index")
    cards.add_argument("--models", help="the models folder (default: the committed one)")
    cards.set_defaults(run=command_cards)
    analyze = commands.add_parser("analyze", help="analyze one text (argument or stdin)")
    analyze.add_argument("text", nargs="?")
    analyze.add_argument(
        "--context", default="", help="for a comment: the title of the article it answers"
    )
    analyze.set_defaults(run=command_analyze)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
