"""Understanding: words in zh, en or fr -> meanings (pure and synchronous; data in lang/<code>/*.yaml).

``reading.read`` reads one turn (scene, request, time, orders); ``parser.understand`` the orders themselves.
"""

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
