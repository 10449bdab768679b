from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongzhi.places.selectors import place_tree_for_actor


@login_required
def place_tree(request: HttpRequest) -> HttpResponse:
    return render(request, "places/console/tree.html", {"tree": place_tree_for_actor(actor=request.user)})
