"""Routing services: the only code that writes the routing app's models. Tickets calls
``suggestion_build`` (the row its intake batch writes) and ``suggestion_settle`` (accept, dispatch)."""

from gongzhi.routing.services.keywords import keyword_candidate_decide, keyword_candidates_mine
from gongzhi.routing.services.mappings import department_mapping_clear, department_mapping_set
from gongzhi.routing.services.suggestions import (
    suggestion_build,
    suggestion_review,
    suggestion_settle,
    suggestions_build_many,
)
from gongzhi.routing.services.training import routing_model_retrain

__all__ = [
    "department_mapping_clear",
    "department_mapping_set",
    "keyword_candidate_decide",
    "keyword_candidates_mine",
    "routing_model_retrain",
    "suggestion_build",
    "suggestion_review",
    "suggestion_settle",
    "suggestions_build_many",
]
