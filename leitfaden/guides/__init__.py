"""Guides as data: load, validate, pick the version in force and render its wording."""

from leitfaden.guides.library import GuideLibrary, Rendered, WordingError, library
from leitfaden.guides.loader import GuideError, GuideIssue, load_guide_file
from leitfaden.guides.model import Knopf, Leitfaden, Schritt, Textvariante, Verzweigung

__all__ = [
    "GuideError", "GuideIssue", "GuideLibrary", "Knopf", "Leitfaden", "Rendered", "Schritt",
    "Textvariante", "Verzweigung", "WordingError", "library", "load_guide_file",
]
