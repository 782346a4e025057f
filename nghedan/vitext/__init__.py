"""Vitext: the Vietnamese language engine of Nghe Dân.

Pure Python, imports nothing from Django or from the other apps, usable alone:

    from nghedan.vitext import Analyzer
    Analyzer().analyze("Đường Nguyễn Huệ, phường Bến Nghé, quận 1 ngập sâu sau mưa")

`__version__` names the engine and its models: "0.1.0+models.<digest>", where the digest
changes whenever a model is retrained, added or removed (see `models_digest`).
"""

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analyzer import Analyzer, shared_analyzer

__all__ = ["Analyzer", "engine_version", "models_digest", "shared_analyzer"]

RELEASE = "0.1.0"  # the engine's code: raise it when the same models read texts differently
MODELS_DIR = Path(__file__).resolve().parent / "models"


def models_digest(directory: Path = MODELS_DIR) -> str:
    """A short digest of the models in `directory`: each one's name, its metadata (NAME.json:
    labels, features version, training command, scores, seconds spent training) and the size
    of its weights (NAME.npz, not read). Retraining a model changes them; a checkout does not.
    """
    digest = hashlib.sha256()
    for meta in sorted(directory.glob("*.json")):
        weights = meta.with_suffix(".npz")
        if not weights.exists():  # not a model (as linear.available)
            continue
        content = json.loads(meta.read_text(encoding="utf-8"))
        digest.update(f"{meta.stem}\0{weights.stat().st_size}\0".encode())
        digest.update(json.dumps(content, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def engine_version(directory: Path = MODELS_DIR) -> str:
    """The engine with the models in `directory`: "0.1.0+models.210486b0f23b"."""
    return f"{RELEASE}+models.{models_digest(directory)}"


# Computed once, at import: the small .json files are read, not the weights.
__version__ = engine_version()


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the package does not load numpy or the models.
    if name in ("Analyzer", "shared_analyzer"):
        from . import analyzer

        return getattr(analyzer, name)
    raise AttributeError(name)
