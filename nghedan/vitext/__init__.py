"""Vitext: the Vietnamese language engine of Nghe Dân.

Pure Python, imports nothing from Django or from the other apps, usable alone:

    from nghedan.vitext import Analyzer
    Analyzer().analyze("Đường Nguyễn Huệ, phường Bến Nghé, quận 1 ngập sâu sau mưa")
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analyzer import Analyzer, shared_analyzer

__all__ = ["Analyzer", "shared_analyzer"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the package does not load numpy or the models.
    if name in __all__:
        from . import analyzer

        return getattr(analyzer, name)
    raise AttributeError(name)
