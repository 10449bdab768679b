from ninja import Router

from gongzhi.core.api import session_auth

router = Router(tags=["党建"], auth=session_auth)
