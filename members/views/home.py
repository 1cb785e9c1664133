from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from members import access


def scope_lines(user) -> list[str]:
    """What this user may see, in words (RULES.md "Who may read what")."""
    lines = []
    member = access.branch_member(user)
    if access.is_admin(user):
        lines.append(
            _("All branches of the school: figures, counts and dates, never confidential text.")
        )
    if access.secretary_branch_id(user):
        lines.append(
            _("All of your branch, confidential text included; every read of it is audited.")
        )
    elif member and member.is_committee:
        lines.append(_("Your branch's figures."))
    if access.leader_branch_id(user):
        lines.append(_("The figures of your contact-point branch, without confidential text."))
    if member:
        lines.append(_("Your own contacts and every record you wrote."))
    return lines


@login_required
def home(request):
    return redirect(access.home_url_name(request.user))


@login_required
def no_role(request):
    return render(request, "members/whoami.html", {"scope": scope_lines(request.user)})


@login_required
def whoami(request):
    return render(request, "members/whoami.html", {"scope": scope_lines(request.user)})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"database": "down"}, status=503)
    return JsonResponse({"database": "ok"})
