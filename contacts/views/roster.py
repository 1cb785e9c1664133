"""Roster import pages (issue 4, item 9): upload → preview (nothing written) → apply.

Between preview and apply the uploaded file is kept privately under MEDIA_ROOT/imports/ with a
random name; the session holds that name and the file's sha256, and apply parses the file again.
Nothing of the data travels through the form, so a forged POST cannot change what is written.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members import access
from members.audit import audit
from members.models import AuditAction, Department
from members.web import download_name, download_response

from ..forms import RosterUploadForm
from ..services import roster
from .contacts import branch_query

SESSION_KEY = "roster_import"


# Files of imports that were never applied are removed after a day.
STALE_SECONDS = 24 * 60 * 60


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(pending: dict) -> Path:
    return _imports_dir() / f"{pending['token']}.{pending['ext']}"


def _discard(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if isinstance(pending, dict) and str(pending.get("token", "")).isalnum():
        _path(pending).unlink(missing_ok=True)


def _remove_stale_files() -> None:
    directory = _imports_dir()
    if not directory.is_dir():
        return
    cutoff = time.time() - STALE_SECONDS
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _store(request, branch, data: bytes, filename: str) -> None:
    _discard(request)
    _remove_stale_files()
    pending = {
        "branch": branch.pk,
        "token": secrets.token_hex(16),
        "ext": "xlsx" if data.startswith(roster.XLSX_MAGIC) else "csv",
        "sha256": hashlib.sha256(data).hexdigest(),
        "name": Path(filename).name[:100],
    }
    _imports_dir().mkdir(parents=True, exist_ok=True)
    _path(pending).write_bytes(data)
    _path(pending).chmod(0o600)
    request.session[SESSION_KEY] = pending


def _pending_plan(request, branch):
    """(pending, plan) of the file waiting for this branch, or (None, None)."""
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("branch") != branch.pk:
        return None, None
    try:
        data = _path(pending).read_bytes()
    except OSError:
        data = b""
    if hashlib.sha256(data).hexdigest() != pending.get("sha256"):
        _discard(request)
        return None, None
    try:
        rows = roster.parse_rows(roster.read_table(data, f"x.{pending['ext']}"))
    except roster.RosterFileError:
        _discard(request)
        return None, None
    return pending, roster.plan_import(rows, branch=branch)


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request):
    """Upload: the file is checked as a whole; its rows are shown on the preview page."""
    branch = access.managed_branch(request)
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            _store(request, branch, form.data_bytes, form.cleaned_data["file"].name)
            return redirect(reverse("contacts:roster_preview") + branch_query(branch, request.user))
    else:
        form = RosterUploadForm()
    return render(
        request,
        "contacts/roster_import.html",
        {
            "form": form,
            "branch": branch,
            "columns": roster.COLUMNS,
            "branch_query": branch_query(branch, request.user),
        },
    )


@login_required
def roster_preview(request):
    """Each row with its errors, or what will be created/updated/left unchanged."""
    branch = access.managed_branch(request)
    pending, plan = _pending_plan(request, branch)
    if plan is None:
        messages.info(request, _("No roster file is waiting: upload one."))
        return redirect(reverse("contacts:roster_import") + branch_query(branch, request.user))
    return render(
        request,
        "contacts/roster_preview.html",
        {
            "branch": branch,
            "plan": plan,
            "counts": plan.counts,
            "filename": pending["name"],
            "token": pending["token"],
            "branch_query": branch_query(branch, request.user),
        },
    )


@login_required
@require_POST
def roster_apply(request):
    """Writes the waiting file in one transaction, after parsing and checking it again."""
    branch = access.managed_branch(request)
    query = branch_query(branch, request.user)
    pending, plan = _pending_plan(request, branch)
    if plan is None or request.POST.get("token") != pending["token"]:
        messages.error(request, _("No roster file is waiting: upload one."))
        return redirect(reverse("contacts:roster_import") + query)
    if plan.has_errors:
        messages.error(request, _("The file has errors: nothing was imported."))
        return redirect(reverse("contacts:roster_preview") + query)
    try:
        counts = roster.roster_apply(plan=plan, by=request.user, filename=pending["name"])
    except (IntegrityError, ValidationError):
        # Someone changed the same people meanwhile; the preview shows the new state.
        messages.error(
            request,
            _("The roster changed while importing: nothing was imported. Check the preview."),
        )
        return redirect(reverse("contacts:roster_preview") + query)
    _discard(request)
    messages.success(
        request,
        _("Roster imported: %(create)s new, %(update)s updated, %(unchanged)s unchanged.") % counts,
    )
    new_members = sum(1 for r in plan.rows if r.action == "create" and r.kind == roster.MEMBER)
    if new_members:
        messages.warning(
            request,
            _(
                "%(n)s new members cannot log in yet: the administrator must give each of them "
                "a password."
            )
            % {"n": new_members},
        )
    return redirect(reverse("contacts:manage_list") + query)


@login_required
def roster_template(request, fmt: str):
    """The template file: a header row and example rows (the secretary's or admin's)."""
    user = request.user
    if not (access.is_admin(user) or access.secretary_branch_id(user)):
        raise PermissionDenied
    branch = access.branch_member(user).branch if access.secretary_branch_id(user) else None
    department = (
        branch.department.name
        if branch is not None and branch.department_id
        else (Department.objects.values_list("name", flat=True).first() or "数学教研室")
    )
    if fmt == "xlsx":
        content, content_type = roster.template_xlsx(department), XLSX_TYPE
    elif fmt == "csv":
        content, content_type = roster.template_csv(department), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = download_response(
        content,
        filename=download_name(_("contact roster template"), ext=fmt),
        content_type=content_type,
    )
    # An empty template, but every file handed out is audited (RULES.md).
    audit(
        AuditAction.EXPORT,
        actor=user,
        branch_id=branch.pk if branch else None,
        object_repr=f"roster template {fmt}",
    )
    return response
