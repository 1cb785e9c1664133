"""The pages without login (R42, R43) and the member's and secretary's pages that lead to them.

Nothing on a public page shows more than the person opening it needs: the confirmation page
names the member, the date, the place and the aspects helped, never the content or the
observation; the status page shows the stage and the answer, never the opinion's text or who
wrote it. Every write is audited with the address (members.audit reads it from the request).
"""

from __future__ import annotations

import logging

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from members.audit import audit
from members.downloads import download_name
from members.middleware import client_ip
from members.models import AuditAction, Branch
from members.pdf import pdf_response, render_pdf

from . import box, confirmation
from .branch_views import managed_branch
from .models import ConfirmationState, Opinion, OpinionStatus
from .public_forms import BoxForm, ConfirmationForm, ReceiptLookupForm
from .views import _talk_for_author

log = logging.getLogger(__name__)

# Per address, on the cache (Redis when REDIS_URL is set, shared by every worker).
BOX_RATE = "5/h"
LOOKUP_RATE = "30/h"
CONFIRM_RATE = "20/h"

# What the submitter reads: the stage in plain words (已收到 / 已转交 / 已办理 / 已答复).
STAGES = [
    (OpinionStatus.RECEIVED, gettext_lazy("Received")),
    (OpinionStatus.FORWARDED, gettext_lazy("Passed on")),
    (OpinionStatus.HANDLED, gettext_lazy("Dealt with")),
    (OpinionStatus.ANSWERED, gettext_lazy("Answered")),
]


def _address(group, request) -> str:
    return client_ip(request) or "unknown"


def _limited(request, group: str, rate: str) -> bool:
    try:
        return is_ratelimited(request, group=group, key=_address, rate=rate, increment=True)
    except Exception:  # the shared cache (Redis) is down: the page stays open
        log.warning("rate limit cache unavailable; %s not limited", group)
        return False


def _too_many(request) -> HttpResponse:
    return render(request, "public/too_many.html", status=429)


def qr_svg(url: str) -> str:
    """A QR code as inline SVG, drawn on the server (no script; CSP allows it)."""
    return mark_safe(segno.make(url, error="m").svg_inline(scale=5, border=2, omitsize=True))


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- R42: the contact confirms a talk ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def talk_confirmation(request, pk: int):
    """The author asks for (POST) and shows (GET) the link and QR code of the talk."""
    talk = _talk_for_author(request.user, pk)
    if request.method == "POST":
        try:
            confirmation.confirmation_request(talk=talk, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("talks:talk_detail", pk=talk.pk)
        return redirect("talks:talk_confirmation", pk=talk.pk)
    live = confirmation.live_request(talk)
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
            "can_request": live is None and confirmation.latest_answer(talk) is None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """The contact's page: no account, one answer."""
    if request.method == "POST" and _limited(request, "confirm", CONFIRM_RATE):
        return _too_many(request)
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


# --- R43: the opinion box ----------------------------------------------------------------------


def _box_branch(branch_id: int | None) -> Branch | None:
    return get_object_or_404(Branch, pk=branch_id) if branch_id is not None else None


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_box(request, branch_id: int | None = None):
    """A branch's box, or the school's (the writer picks the branch it goes to)."""
    branch = _box_branch(branch_id)
    form = BoxForm(request.POST or None, branch=branch)
    if request.method == "POST":
        if _limited(request, "box", BOX_RATE):
            return _too_many(request)
        if form.is_bot:
            # Looks like success to the bot; nothing is written.
            return render(request, "public/box_receipt.html", {"code": "", "bot": True})
        if form.is_valid():
            data = form.cleaned_data
            _opinion, code = box.box_submit(
                branch=branch or data["branch"],
                content=data["content"],
                category=data["category"],
                name=data["name"],
                contact_way=data["contact_way"],
            )
            status_url = absolute(f"{reverse('public:box_status')}?code={code}")
            return render(
                request,
                "public/box_receipt.html",
                {"code": box.grouped(code), "qr": qr_svg(status_url), "status_url": status_url},
            )
    return render(request, "public/box.html", {"form": form, "branch": branch})


@never_cache
def box_status(request):
    """The stage and the answer of a receipt code; an unknown code and a wrong one alike."""
    form = ReceiptLookupForm(request.GET or None)
    context = {"form": form, "looked_up": False}
    if request.GET.get("code"):
        if _limited(request, "box-status", LOOKUP_RATE):
            return _too_many(request)
        opinion = box.lookup(request.GET["code"])
        context["looked_up"] = True
        if opinion is not None:
            context.update(
                opinion=opinion,
                stages=_stages(opinion),
                answered=opinion.status == OpinionStatus.ANSWERED,
            )
    return render(request, "public/box_status.html", context)


def _stages(opinion) -> list[dict]:
    """The stages the opinion went through (forwarded and handled are alternatives: a skipped
    one is left out), then 已答复 still to come."""
    reached = set(opinion.changes.values_list("to_status", flat=True)) | {opinion.status}
    stages = [
        {"label": label, "done": True, "current": status == opinion.status}
        for status, label in STAGES
        if status in reached
    ]
    if opinion.status != OpinionStatus.ANSWERED:
        stages.append({"label": STAGES[-1][1], "done": False, "current": False})
    return stages


@login_required
def box_poster(request):
    """A4 poster for the staff room: the branch box's address and QR code (secretary)."""
    branch = managed_branch(request)
    url = absolute(reverse("public:branch_box", args=[branch.pk]))
    pdf = render_pdf(
        "pdf/opinion_box_poster.html",
        {"branch": branch, "url": url, "qr": qr_svg(url)},
        generated_by=request.user,
    )
    audit(
        AuditAction.EXPORT,
        actor=request.user,
        obj=branch,
        branch_id=branch.pk,
        details={"what": "opinion box poster"},
    )
    return pdf_response(pdf, download_name(branch.name, _("opinion box poster"), ext="pdf"))


@login_required
def box_page(request):
    """The secretary's page about the box: its address, QR code and poster."""
    branch = managed_branch(request)
    url = absolute(reverse("public:branch_box", args=[branch.pk]))
    return render(
        request,
        "talks/opinion_box.html",
        {
            "branch": branch,
            "url": url,
            "qr": qr_svg(url),
            "school_url": absolute(reverse("public:school_box")),
        },
    )


# --- R43: the answer reaches the member who relayed it ------------------------------------------


@login_required
def my_opinions(request):
    """The opinions the member relayed (from their talks, or a symposium they recorded), with
    their status and answer."""
    opinions = (
        Opinion.objects.filter(
            Q(conveyed_by__user=request.user) | Q(symposium__recorded_by=request.user)
        )
        .select_related("contact", "symposium")
        .order_by("-received_on", "-pk")[:200]
    )
    return render(request, "talks/my_opinions.html", {"opinions": opinions})
