"""The opinion box (R43) without login, its poster and its receipt lookup, and the pages of the
box on the member's and the secretary's side.

Nothing on a public page shows more than the person opening it needs. Each public page is rate
limited by address; a limit the cache cannot check (Redis down) leaves the page open.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from members import access
from members.audit import audit
from members.models import AuditAction, Branch
from members.pdf import pdf_response, render_pdf
from members.web import absolute, download_name, qr_svg, rate_limited, too_many
from talks import selectors

from ..forms.opinions import BoxForm, ReceiptLookupForm
from ..models import Opinion, OpinionStatus
from ..services import opinions as opinion_services

# Per address, on the cache (Redis when REDIS_URL is set, shared by every worker).
BOX_RATE = "5/h"


LOOKUP_RATE = "30/h"


# What the submitter reads: the stage in plain words (已收到 / 已转交 / 已办理 / 已答复).
STAGES = [
    (OpinionStatus.RECEIVED, gettext_lazy("Received")),
    (OpinionStatus.FORWARDED, gettext_lazy("Passed on")),
    (OpinionStatus.HANDLED, gettext_lazy("Dealt with")),
    (OpinionStatus.ANSWERED, gettext_lazy("Answered")),
]


def _box_branch(branch_id: int | None) -> Branch | None:
    return get_object_or_404(Branch, pk=branch_id) if branch_id is not None else None


@never_cache
@require_http_methods(["GET", "POST"])
def opinion_box(request, branch_id: int | None = None):
    """A branch's box, or the school's (the writer picks the branch it goes to)."""
    branch = _box_branch(branch_id)
    form = BoxForm(request.POST or None, branch=branch)
    if request.method == "POST":
        if rate_limited(request, "box", BOX_RATE):
            return too_many(request)
        if form.is_bot:
            # Looks like success to the bot; nothing is written.
            return render(request, "public/box_receipt.html", {"code": "", "bot": True})
        if form.is_valid():
            data = form.cleaned_data
            _opinion, code = opinion_services.box_submit(
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
                {
                    "code": opinion_services.grouped(code),
                    "qr": qr_svg(status_url),
                    "status_url": status_url,
                },
            )
    return render(request, "public/box.html", {"form": form, "branch": branch})


@never_cache
def box_status(request):
    """The stage and the answer of a receipt code; an unknown code and a wrong one alike."""
    form = ReceiptLookupForm(request.GET or None)
    context = {"form": form, "looked_up": False}
    if request.GET.get("code"):
        if rate_limited(request, "box-status", LOOKUP_RATE):
            return too_many(request)
        opinion = selectors.lookup(request.GET["code"])
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
    branch = access.managed_branch(request)
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
    branch = access.managed_branch(request)
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
