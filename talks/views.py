from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from members import access
from members.views import scope_lines


@login_required
def my_page(request):
    if access.branch_member(request.user) is None:
        raise Http404
    return render(request, "members/whoami.html", {"scope": scope_lines(request.user)})
