from django.http import HttpRequest


def console(request: HttpRequest) -> dict:
    from django.conf import settings

    return {"MAP_TILE_URL": settings.MAP_TILE_URL, "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION}
