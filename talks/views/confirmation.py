"""R42: the member asks for a talk's confirmation link; the contact answers it without login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from members.web import absolute, qr_svg, rate_limited, too_many
from talks.services import confirmation

from .. import selectors
from ..forms.confirmation import ConfirmationForm
from ..models import ConfirmationState
from .talks import talk_for_author

CONFIRM_RATE = "20/h"


@login_required
@require_http_methods(["GET", "POST"])
def talk_confirmation(request, pk: int):
    """The author asks for (POST) and shows (GET) the link and QR code of the talk."""
    talk = talk_for_author(request.user, pk)
    if request.method == "POST":
        try:
            confirmation.confirmation_request(talk=talk, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("talks:talk_detail", pk=talk.pk)
        return redirect("talks:talk_confirmation", pk=talk.pk)
    live = selectors.live_request(talk)
    url = absolute(confirmation.link_for(live)) if live else ""
    # A link of this version that ran out unanswered: the member is told, and may make a new one.
    expired = (
        None
        if live
        else talk.confirmations.filter(version=talk.version, answered_at__isnull=True)
        .order_by("-expires_at")
        .first()
    )
    return render(
        request,
        "talks/talk_confirmation.html",
        {
            "talk": talk,
            "live": live,
            "expired": expired,
            "url": url,
            "qr": qr_svg(url) if url else "",
            "can_request": live is None and selectors.latest_answer(talk) is None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """The contact's page: no account, one answer."""
    if request.method == "POST" and rate_limited(request, "confirm", CONFIRM_RATE):
        return too_many(request)
    opened = confirmation.open_link(token)
    if opened.state is None:
        return render(request, "public/link_invalid.html", status=404)
    row = opened.confirmation
    talk = row.talk
    form = ConfirmationForm(request.POST or None)
    if opened.state == "open" and request.method == "POST" and form.is_valid():
        try:
            row = confirmation.confirmation_answer(
                confirmation=row,
                # The two buttons: 「确有此次谈话」 (confirm) and 「没有这次谈话」 (deny).
                confirmed="deny" not in request.POST,
                word=form.cleaned_data["word"],
                opinion=form.cleaned_data["opinion"],
            )
        except ValidationError:
            return render(request, "public/link_invalid.html", status=404)
        return redirect("public:confirm", token=token)
    return render(
        request,
        "public/confirm.html",
        {
            "row": row,
            "talk": talk,
            "member_name": talk.member.name,
            "form": form,
            "answered": opened.state == "answered",
            "confirmed": row.answer == ConfirmationState.CONFIRMED,
        },
    )
