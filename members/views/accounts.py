"""Finding 7 and 8: one's own password (change, reset by mail, one-time link) and the members'
accounts page of the secretary (own branch) and the school admin: set-password links with a QR
code, lockouts lifted. Django's own views, forms and tokens; the templates are the app's."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from members import access, selectors, services

from ..forms import ResetForm
from ..models import Branch, Member
from ..pinyin import pinyin_key, sorted_by_pinyin
from ..tokens import set_password_token
from ..web import client_ip, id_param, qr_svg

PAGE_SIZE = 50


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (in the menu); also where a member who must choose a password
    is sent after logging in (members.middleware.PasswordRequiredMiddleware)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_chosen(user=form.user, how="change")
        messages.success(self.request, _("Your password has been changed."))
        return response


def _reset_address(group, request) -> str:
    return client_ip(request) or "unknown"


class PasswordResetView(auth_views.PasswordResetView):
    """Reset by e-mail; the same answer whether or not the address is known (Django's)."""

    form_class = ResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    token_generator = set_password_token
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def post(self, request, *args, **kwargs):
        # Ten mails an hour per address: the form must not become a way to flood mailboxes.
        try:
            limited = is_ratelimited(
                request, group="password-reset", key=_reset_address, rate="10/h", increment=True
            )
        except Exception:  # noqa: BLE001 - the shared cache (Redis) is down: stay open
            limited = False
        if limited:
            return render(request, "429.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "school": settings.SCHOOL_NAME,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page behind a one-time link (issued by the secretary or admin, or mailed by a reset).
    Django moves the token into the session at once, so it never leaves in a Referer."""

    template_name = "registration/password_set_form.html"
    token_generator = set_password_token
    success_url = reverse_lazy("password_set_done")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_chosen(user=form.user, how="link")
        return response


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_set_done.html"


def _may_open_accounts(user) -> bool:
    return access.is_admin(user) or access.secretary_branch_id(user) is not None


@login_required
def account_list(request):
    user = request.user
    if not _may_open_accounts(user):
        raise PermissionDenied
    members = Member.objects.select_related("user", "branch").filter(user__is_active=True)
    branches = []
    branch = None
    if access.is_admin(user):
        branches = sorted_by_pinyin(Branch.objects.all())
        wanted = id_param(request.GET.get("branch"))
        if wanted is not None:
            branch = next((b for b in branches if b.pk == wanted), None)
            if branch is None:
                raise Http404
            members = members.filter(branch=branch)
    else:
        members = members.filter(branch_id=access.secretary_branch_id(user), active=True)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:40]
    if q:
        members = members.filter(Q(name__icontains=q) | Q(staff_no__icontains=q))
    # Branch, then name, in pinyin order (a school's few hundred accounts sort in memory).
    ordered = sorted(
        members.order_by("pk"),
        key=lambda m: (pinyin_key(m.branch.name if m.branch else ""), pinyin_key(m.name)),
    )
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    locked = selectors.locked_usernames(m.user.username for m in rows)
    for member in rows:
        member.is_locked = member.user.username in locked
        member.manageable = access.may_manage_account(user, member)
        member.has_password = selectors.has_own_password(member)
    return render(
        request,
        "members/account_list.html",
        {
            "rows": rows,
            "page": page,
            "branches": branches,
            "branch": branch,
            "q": q,
            "is_admin_view": access.is_admin(user),
        },
    )


def _detail_context(member: Member) -> dict:
    member.has_password = selectors.has_own_password(member)
    member.is_locked = bool(selectors.locked_usernames([member.user.username]))
    return {"member": member, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


@login_required
def account_detail(request, pk: int):
    member = access.managed_account_or_404(request.user, pk)
    return render(request, "members/account_detail.html", _detail_context(member))


@login_required
@require_POST
def account_link(request, pk: int):
    """Issues a new link (the older one stops working): shown once on this answer, with its QR
    code, or mailed to the member's address."""
    member = access.managed_account_or_404(request.user, pk)
    emailed = "email" in request.POST
    context = _detail_context(member)
    if emailed and not member.user.email:
        context["link_error"] = _("This member has no e-mail address: show the link instead.")
        return render(request, "members/account_detail.html", context, status=400)
    url = services.issue_password_link(member=member, by=request.user, emailed=emailed)
    if emailed:
        if services.email_password_link(member=member, url=url):
            messages.success(
                request,
                _("The link was sent to %(email)s. It works once, for %(hours)s hours.")
                % {"email": member.user.email, "hours": context["hours"]},
            )
        else:
            messages.error(
                request, _("The mail could not be sent. Issue a new link and show it instead.")
            )
        return redirect("members:account_detail", pk=member.pk)
    context.update(issued_url=url, qr_svg=qr_svg(url, scale=4, omitsize=False))
    return render(request, "members/account_detail.html", context)


@login_required
@require_POST
def account_unlock(request, pk: int):
    member = access.managed_account_or_404(request.user, pk)
    services.unlock(member=member, by=request.user)
    messages.success(request, _("%(name)s can log in again.") % {"name": member.name})
    next_url = request.POST.get("next", "")
    if next_url == "list":
        return redirect(reverse("members:account_list"))
    return redirect("members:account_detail", pk=member.pk)
