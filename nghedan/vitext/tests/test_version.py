"""The engine's version: its code and a digest of its models, read cheaply at import."""

import json
import shutil
import subprocess
import sys

import nghedan.vitext as vitext
from nghedan.vitext import MODELS_DIR, engine_version, models_digest


def test_version_names_the_engine_and_its_models():
    version = vitext.__version__
    assert version.startswith(f"{vitext.RELEASE}+models.")
    assert len(version) <= 40  # insight.Annotation.engine_version
    assert engine_version() == engine_version() == version
    assert models_digest() == models_digest() == version.rsplit(".", 1)[1]


def test_digest_changes_with_the_models(tmp_path):
    shutil.copy(MODELS_DIR / "sentiment.json", tmp_path)
    (tmp_path / "sentiment.npz").write_bytes(b"weights")
    first = models_digest(tmp_path)
    assert models_digest(tmp_path) == first

    meta = json.loads((tmp_path / "sentiment.json").read_text(encoding="utf-8"))
    meta["training_seconds"] += 1  # retrained
    (tmp_path / "sentiment.json").write_text(json.dumps(meta), encoding="utf-8")
    retrained = models_digest(tmp_path)
    assert retrained != first

    (tmp_path / "sentiment.npz").write_bytes(b"other weights")
    reweighted = models_digest(tmp_path)
    assert reweighted not in (first, retrained)

    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")  # no weights: not a model
    assert models_digest(tmp_path) == reweighted
    shutil.copy(MODELS_DIR / "toxicity.json", tmp_path)
    (tmp_path / "toxicity.npz").write_bytes(b"weights")
    assert models_digest(tmp_path) not in (first, retrained, reweighted)


def test_the_version_costs_no_model_loading():
    code = "import sys, nghedan.vitext as v; assert v.__version__; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
