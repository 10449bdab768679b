"""The tickets API, one router per sub-domain; config/api.py mounts them (hotline, categories and patrols
before tickets, whose ``/tickets/{ticket_id}[/{action}]`` would otherwise catch their paths)."""

from gongzhi.tickets.api.categories import router as categories_router
from gongzhi.tickets.api.hotline import router as hotline_router
from gongzhi.tickets.api.indicators import router as indicators_router
from gongzhi.tickets.api.patrols import router as patrols_router
from gongzhi.tickets.api.tickets import router as tickets_router

__all__ = ["categories_router", "hotline_router", "indicators_router", "patrols_router", "tickets_router"]
