"""Issue 17 pages: the school's WeCom app (admin), a branch's group robots (secretary, admin),
a member's own channels (everyone with a profile). Each settings page has a 「发送测试消息」
button that shows the API's answer, and lists the messages that failed with the API's reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from members import access, channels, services

from ..forms import USERID, BranchChannelsForm, MyChannelsForm, SchoolChannelsForm, SchoolTestForm
from ..models import Branch, BranchChannels, Channel, ChannelMessage, EmailState, SchoolChannels

PROBLEMS_SHOWN = 50


def _problems(rows):
    """Failed rows, and pending ones that failed before (being retried), newest first."""
    return list(
        rows.filter(
            Q(state=EmailState.FAILED) | Q(state=EmailState.PENDING, attempts__gt=0)
        ).select_related("recipient__member")[:PROBLEMS_SHOWN]
    )


def _show_test(request, label: str, ok: bool, answer: str) -> None:
    if ok:
        messages.success(
            request,
            _("%(channel)s: sent. The API answered: %(answer)s")
            % {"channel": label, "answer": answer},
        )
    else:
        messages.error(
            request,
            _("%(channel)s: not sent. The API answered: %(answer)s")
            % {"channel": label, "answer": answer},
        )


@login_required
def school_channels(request):
    if not access.is_admin(request.user):
        raise PermissionDenied
    school = SchoolChannels.current()
    form = SchoolChannelsForm(request.POST if "save" in request.POST else None, instance=school)
    # After a test the page shows the account it went to again (?to=), to try once more.
    tried = request.GET.get("to", "")
    test_form = SchoolTestForm(
        request.POST if "test" in request.POST else None,
        initial={
            "wecom_userid": tried
            if USERID.regex.fullmatch(tried)
            else getattr(access.profile(request.user), "wecom_userid", "")
        },
    )
    if request.method == "POST" and "save" in request.POST and form.is_valid():
        services.school_channels_update(
            values={n: form.cleaned_data[n] for n in SchoolChannelsForm.Meta.fields},
            by=request.user,
        )
        messages.success(request, _("The WeCom app settings are saved."))
        return redirect("members:school_channels")
    if request.method == "POST" and "test" in request.POST and test_form.is_valid():
        if not school.wecom_ready:
            messages.error(request, _("Save the corp ID, AgentId and Secret first."))
        else:
            ok, answer = channels.send_test(
                channel=Channel.WECOM_APP,
                school=school,
                userid=test_form.cleaned_data["wecom_userid"],
            )
            _show_test(request, Channel.WECOM_APP.label, ok, answer)
        return redirect(
            reverse("members:school_channels")
            + "?"
            + urlencode({"to": test_form.cleaned_data["wecom_userid"]})
        )
    problems = _problems(ChannelMessage.objects.filter(channel=Channel.WECOM_APP))
    return render(
        request,
        "members/school_channels.html",
        {"form": form, "test_form": test_form, "school": school, "problems": problems},
    )


@login_required
def branch_channels(request, branch_id: int):
    branch = get_object_or_404(Branch, pk=branch_id)
    if not access.can_manage_branch(request.user, branch.pk):
        raise Http404
    config = BranchChannels.objects.filter(branch=branch).first() or BranchChannels(branch=branch)
    form = BranchChannelsForm(request.POST if "save" in request.POST else None, instance=config)
    if request.method == "POST" and "save" in request.POST and form.is_valid():
        services.branch_channels_update(
            branch=branch,
            values={n: form.cleaned_data[n] for n in BranchChannelsForm.Meta.fields},
            by=request.user,
        )
        messages.success(request, _("The group robot settings are saved."))
        return redirect("members:branch_channels", branch_id=branch.pk)
    tests = {"test_wecom_robot": Channel.WECOM_ROBOT, "test_dingtalk": Channel.DINGTALK_ROBOT}
    for button, channel in tests.items():
        if request.method == "POST" and button in request.POST:
            if channel not in config.robots():
                messages.error(request, _("Save this robot's key (and secret) first."))
            else:
                ok, answer = channels.send_test(channel=channel, config=config)
                _show_test(request, channel.label, ok, answer)
            return redirect("members:branch_channels", branch_id=branch.pk)
    problems = _problems(
        ChannelMessage.objects.filter(Q(branch=branch) | Q(recipient__member__branch=branch))
    )
    return render(
        request,
        "members/branch_channels.html",
        {"form": form, "branch": branch, "config": config, "problems": problems},
    )


@login_required
def my_channels(request):
    member = access.profile(request.user)
    if member is None:
        raise Http404
    form = MyChannelsForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.my_channels_update(
            member=member,
            values={n: form.cleaned_data[n] for n in MyChannelsForm.Meta.fields},
            by=request.user,
        )
        messages.success(request, _("Your message channels are saved."))
        return redirect("members:my_channels")
    school_ready = SchoolChannels.current().wecom_ready
    return render(request, "members/my_channels.html", {"form": form, "school_ready": school_ready})
