"""Issue 6: the secretary (and the admin) see who read or changed the records of a contact of
their branch, from the audit log. Nothing here writes: the log is append-only."""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from members import access
from members.models import AuditLog, Member

from ..models import Contact

PER_PAGE = 50


@login_required
def contact_audit(request, pk: int):
    """Outside the user's scope the contact is a 404; in scope but not theirs to audit, 403."""
    user = request.user
    contact = access.get_visible_or_404(Contact.objects.select_related("branch"), user, pk=pk)
    if not access.can_manage_branch(user, contact.branch_id):
        raise PermissionDenied
    rows = AuditLog.objects.filter(contact_id=contact.pk).only(
        "at", "actor_id", "actor_username", "action", "object_type", "ip"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    names = dict(
        Member.objects.filter(user_id__in={row.actor_id for row in page}).values_list(
            "user_id", "name"
        )
    )
    for row in page:
        row.actor_name = names.get(row.actor_id, "")
        row.object_label = record_label(row.object_type)
    return render(request, "contacts/audit.html", {"contact": contact, "page": page})


def record_label(object_type: str) -> str:
    """Issue 18: a record by its Chinese name (「联系对象」), never its `app.model` label."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return ""
