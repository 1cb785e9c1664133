"""The member's contact pages; the contact's own page is talks:contact_detail (it shows talks)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import access

from . import services
from .forms import AssistanceRecordForm
from .models import Category, Contact, current_contact_ids


@login_required
@require_http_methods(["GET", "POST"])
def assistance_create(request, pk: int):
    """R32: the contact's current member (or the branch secretary) adds an assistance record."""
    user = request.user
    contact = access.get_visible_or_404(
        Contact.objects.filter(category=Category.HARDSHIP), user, pk=pk
    )
    author = access.branch_member(user)
    if author is None or not (
        contact.pk in current_contact_ids(user) or access.is_secretary_of(user, contact.branch_id)
    ):
        raise Http404
    form = AssistanceRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.assistance_record_create(
            contact=contact, author=author, by=user, **form.cleaned_data
        )
        messages.success(request, _("The assistance record is saved."))
        return redirect("talks:contact_detail", pk=contact.pk)
    return render(request, "contacts/assistance_form.html", {"form": form, "contact": contact})
