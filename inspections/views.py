from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from members import access
from members.views import scope_lines


def _home(request, allowed: bool):
    if not allowed:
        raise PermissionDenied
    return render(request, "members/whoami.html", {"scope": scope_lines(request.user)})


@login_required
def branch_home(request):
    return _home(request, access.secretary_branch_id(request.user) is not None)


@login_required
def school_home(request):
    return _home(request, access.is_admin(request.user))


@login_required
def leader_home(request):
    return _home(request, access.leader_branch_id(request.user) is not None)
