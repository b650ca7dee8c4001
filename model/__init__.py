"""newsframe: what a news text is about (IPTC topics) and how each sentence frames its claims.

Light at import: no streamlit, datasets or skops until a function needs them.
"""

from ._version import __version__
from .bundle import load_model
from .config import TrainConfig
from .core import MAX_CHARS, Model
from .errors import (
    DataError,
    IncompatibleModelError,
    InputError,
    IntegrityError,
    ModelNotFoundError,
    NewsframeError,
)
from .feedback import FeedbackStore
from .labels import FRAME_DEFINITIONS, FRAMES, TOPIC_DEFINITIONS, TOPIC_NAMES, TOPICS
from .results import Analysis, DocScore, Explanation, Mention, SentenceFrame, Span, TopicScore
from .train import train

__all__ = [
    "__version__",
    "load_model",
    "train",
    "Model",
    "TrainConfig",
    "FeedbackStore",
    "Analysis",
    "SentenceFrame",
    "TopicScore",
    "Span",
    "Mention",
    "DocScore",
    "Explanation",
    "TOPICS",
    "FRAMES",
    "TOPIC_NAMES",
    "TOPIC_DEFINITIONS",
    "FRAME_DEFINITIONS",
    "MAX_CHARS",
    "NewsframeError",
    "InputError",
    "DataError",
    "ModelNotFoundError",
    "IntegrityError",
    "IncompatibleModelError",
]
