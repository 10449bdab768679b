from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.people.selectors import person_list_for_actor


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:50]
    persons = person_list_for_actor(actor=request.user, q=q, limit=50)
    return render(request, "people/console/search.html", {"persons": persons, "q": q})
