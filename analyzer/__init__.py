"""The template analyzer: a SAM or CloudFormation template in, the patterns it uses, the risks
it carries and the architecture it describes out (the generator's inverse). See ``analysis``."""

from .analysis import Analysis, analyze
from .findings import FINDING_IDS, Finding
from .model import LIMIT_IDS, limits_from
from .reading import (
    ANALYSIS_SECONDS,
    MAX_DEPTH,
    MAX_RESOURCES,
    MAX_TEMPLATE_BYTES,
    MAX_VALUES,
    TemplateError,
    load_template,
)

__all__ = [
    "ANALYSIS_SECONDS", "FINDING_IDS", "LIMIT_IDS", "MAX_DEPTH", "MAX_RESOURCES", "MAX_TEMPLATE_BYTES",
    "MAX_VALUES", "Analysis", "Finding", "TemplateError", "analyze", "limits_from", "load_template",
]
