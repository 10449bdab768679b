from django.http import HttpRequest, JsonResponse
from django.shortcuts import render


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):
    message = "登录失败次数过多，账号已临时锁定，请30分钟后再试或联系管理员"
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message, "fields": {}}, status=429)
    return render(request, "console/login.html", {"error": message}, status=429)
