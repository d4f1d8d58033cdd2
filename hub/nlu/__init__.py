"""Understanding: text in zh, en or fr -> intents (pure and synchronous; data in lang/*.yaml)."""

from hub.language import LANGUAGES
from hub.nlu.catalog import Catalog, CatalogDevice
from hub.nlu.lexicon import Lexicon, load_lexicon
from hub.nlu.models import Intent, Target, Understanding
from hub.nlu.parser import detect_language, understand

__all__ = [
    "LANGUAGES",
    "Catalog",
    "CatalogDevice",
    "Intent",
    "Lexicon",
    "Target",
    "Understanding",
    "detect_language",
    "load_lexicon",
    "understand",
]
