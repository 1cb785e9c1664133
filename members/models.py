"""Branches, their members and settings, five-leads activities, notifications and the audit log.

Everything here is below contacts/talks/inspections: they may import from it, never the reverse.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles


def validate_months(value) -> None:
    if not isinstance(value, list) or any(
        not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 12 for m in value
    ):
        raise ValidationError(_("Give months as whole numbers from 1 to 12."))
    if len(set(value)) != len(value):
        raise ValidationError(_("A month is listed twice."))


def default_inspection_months() -> list[int]:
    return [1, 7]


class Department(models.Model):
    """A department, subject group or office of the school (院系/教研室/科组)."""

    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class ScopedQuerySet(models.QuerySet):
    """A queryset with its model's one scope (DESIGN.md "Who sees what"): `visible_to(user)` is
    every row for the school admin, none for an anonymous or deactivated user, and what the
    model's `scope(user)` says for anyone else. Views build every query of a user from it."""

    admin_sees_all = True

    def visible_to(self, user):
        if self.admin_sees_all and roles.is_admin(user):
            return self
        if not roles.is_active_user(user):
            return self.none()
        return self.scope(user)

    def scope(self, user):
        raise NotImplementedError


class BranchQuerySet(ScopedQuerySet):
    def scope(self, user) -> "BranchQuerySet":
        return self.filter(pk__in=roles.branch_ids_readable(user))


class Branch(models.Model):
    """A party branch (党支部) and its settings: every number the regulation leaves open."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    # R51: days a member has to hold a must-talk after the event.
    musttalk_deadline_days = models.PositiveSmallIntegerField(
        _("must-talk deadline (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    musttalk_due_soon_days = models.PositiveSmallIntegerField(
        _("remind of must-talks due within (days)"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
    )
    # R43: days the branch has to act on an opinion.
    opinion_deadline_days = models.PositiveSmallIntegerField(
        _("opinion deadline (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    # R45: months that need neither talk nor report (e.g. [2, 8]).
    exempt_months = models.JSONField(
        _("exempt months"), default=list, blank=True, validators=[validate_months]
    )
    # R53: contacts per member the pairing proposal aims for.
    pairing_ratio = models.DecimalField(
        _("pairing ratio (contacts per member)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("20.0"))],
    )
    # Reminders: day of the month members with incomplete months are reminded.
    reminder_day = models.PositiveSmallIntegerField(
        _("monthly reminder day"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    # R61: days after the semester end by which the report is due.
    report_deadline_days = models.PositiveSmallIntegerField(
        _("semester report deadline (days after the semester)"),
        default=14,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
    )
    # R61: days a returned report has to be resubmitted, from its return.
    resubmission_days = models.PositiveSmallIntegerField(
        _("days to resubmit a returned report"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # R52: symposiums per semester.
    symposium_target = models.PositiveSmallIntegerField(
        _("symposiums per semester"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    # R54: visits a leader whose contact point is this branch is expected to make per semester.
    leader_visit_target = models.PositiveSmallIntegerField(
        _("leader's visits per semester"),
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    # R62: months in which the half-yearly inspection is generated.
    inspection_months = models.JSONField(
        _("inspection months"),
        default=default_inspection_months,
        blank=True,
        validators=[validate_months],
    )
    # R64: weights of the assessment score, in percent; they add up to 100.
    weight_months = models.PositiveSmallIntegerField(_("weight: monthly talks"), default=50)
    weight_musttalks = models.PositiveSmallIntegerField(_("weight: must-talks"), default=20)
    weight_opinions = models.PositiveSmallIntegerField(_("weight: opinions"), default=10)
    weight_leads = models.PositiveSmallIntegerField(_("weight: five leads"), default=10)
    weight_report = models.PositiveSmallIntegerField(_("weight: semester report"), default=10)
    # R42: weight of the contacts' confirmation rate in the assessment (0 = not scored), and
    # how long a confirmation link stays valid.
    weight_confirmations = models.PositiveSmallIntegerField(
        _("weight: talks confirmed by the contact"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    confirmation_valid_days = models.PositiveSmallIntegerField(
        _("confirmation link valid for (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    objects = BranchQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    weight_months__lte=100,
                    weight_musttalks__lte=100,
                    weight_opinions__lte=100,
                    weight_leads__lte=100,
                    weight_report__lte=100,
                ),
                name="branch_weights_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, int]:
        return {
            "months": self.weight_months,
            "musttalks": self.weight_musttalks,
            "opinions": self.weight_opinions,
            "leads": self.weight_leads,
            "report": self.weight_report,
            "confirmations": self.weight_confirmations,
        }

    def clean(self) -> None:
        if sum(self.weights.values()) != 100:
            raise ValidationError(
                {
                    "weight_report": _("The weights must add up to 100 (now %(total)s).")
                    % {"total": sum(self.weights.values())}
                }
            )


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    COMMITTEE = "committee", _("Committee member")
    SECRETARY = "secretary", _("Branch secretary")


class MemberQuerySet(ScopedQuerySet):
    def active(self) -> "MemberQuerySet":
        return self.filter(active=True, branch__isnull=False, user__is_active=True)

    def scope(self, user) -> "MemberQuerySet":
        return self.filter(Q(user=user) | Q(branch_id__in=roles.branch_ids_managed(user)))


class Member(models.Model):
    """A person using the app: a party member of a branch, and/or a leader, and/or an admin."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    name = models.CharField(_("name"), max_length=40)
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("branch"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_leader = models.BooleanField(_("leading cadre"), default=False)
    is_school_admin = models.BooleanField(_("school administrator"), default=False)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("department")
    )
    teaching_group = models.CharField(_("teaching group"), max_length=60, blank=True)
    staff_no = models.CharField(_("staff number"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Finding 8: members created by the roster import (or without a password of their own) are
    # sent to the password page until they have chosen one (members.middleware).
    must_set_password = models.BooleanField(_("must set a password"), default=False)
    # The newest one-time set-password link; part of its token (members/tokens.py), so issuing
    # another link voids the older one.
    password_link_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Issue 17: where the member's reminders go besides the in-app list (which has them all).
    wecom_userid = models.CharField(_("WeCom account"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    notify_email = models.BooleanField(_("reminders by email"), default=True)
    notify_wecom = models.BooleanField(_("reminders in WeCom"), default=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["branch__name", "name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["branch"],
                condition=Q(role="secretary", active=True),
                name="one_active_secretary_per_branch",
            ),
            models.UniqueConstraint(
                fields=["staff_no"], condition=~Q(staff_no=""), name="unique_staff_no"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_secretary(self) -> bool:
        return self.role == Role.SECRETARY

    @property
    def is_committee(self) -> bool:
        return self.role in (Role.COMMITTEE, Role.SECRETARY)


class LeaderContactPoint(models.Model):
    """R54: the one branch a leading cadre keeps fixed contact with (usually their own subject)."""

    leader = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="contact_point", verbose_name=_("leader")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="leader_points", verbose_name=_("branch")
    )
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("leader contact point")
        verbose_name_plural = _("leader contact points")

    def __str__(self) -> str:
        return f"{self.leader} → {self.branch}"


class FiveLeadKind(models.TextChoices):
    THEORY = "theory", _("Studying theory")
    RESEARCH = "research", _("Research project")
    OPEN_CLASS = "open_class", _("Open class")
    PAPER = "paper", _("Writing a paper")
    HEAVY_TASK = "heavy_task", _("Taking on a heavy task")
    # Committee members only (R46): investigations and suggestions to the administration.
    INVESTIGATION = "investigation", _("Investigation and research")
    SUGGESTION = "suggestion", _("Suggestion to the administration")


COMMITTEE_ONLY_KINDS = {FiveLeadKind.INVESTIGATION, FiveLeadKind.SUGGESTION}


def evidence_path(instance, filename: str) -> str:
    # The uploaded name is never trusted: the stored name is random, the extension checked.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext[:5]}"


class MemberScopedQuerySet(ScopedQuerySet):
    """Rows about one member: the member, their branch's secretary and leader, and admins."""

    def scope(self, user) -> "MemberScopedQuerySet":
        return self.filter(
            Q(member__user=user) | Q(member__branch_id__in=roles.branch_ids_managed(user))
        )


class FiveLeadActivity(models.Model):
    """R46: an activity under the five leads (or a committee member's investigation/suggestion)."""

    # No index of its own: it leads the (member, date) index.
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="lead_activities",
        verbose_name=_("member"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FiveLeadKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    outcome = models.TextField(_("outcome"), max_length=2000, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=120, blank=True)
    evidence_type = models.CharField(_("evidence content type"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("five-leads activity")
        verbose_name_plural = _("five-leads activities")
        indexes = [models.Index(fields=["member", "date"])]

    def __str__(self) -> str:
        return self.title


class NotificationKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly talks reminder")
    GAPS_SUMMARY = "gaps_summary", _("Last month's gaps (secretary)")
    MUSTTALK = "musttalk", _("Must-talk due or overdue")
    REPORT = "report", _("Semester report reminder")
    REPORT_REVIEWED = "report_reviewed", _("Semester report reviewed")
    INSPECTION = "inspection", _("Half-yearly inspection")
    OPINION = "opinion", _("New opinion in the queue")
    # R43: an opinion the member relayed changed status (its answer is on their opinions page).
    OPINION_STATUS = "opinion_status", _("An opinion you relayed changed status")
    # R42: a contact answered that a talk did not take place (to the secretary, at once).
    TALK_DENIED = "talk_denied", _("A contact denied a talk")
    EXPORT = "export", _("Export ready")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (no address)")


# Reminders a secretary sends now (issue 14) carry the day as their period: one per person,
# kind and day by the unique row; the scheduled ones keep their own periods (a month, a window).
NOW_PREFIX = "now:"


def now_period(day) -> str:
    return f"{NOW_PREFIX}{day.isoformat()}"


class NotificationQuerySet(ScopedQuerySet):
    admin_sees_all = False  # one's own notifications only

    def scope(self, user) -> "NotificationQuerySet":
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification that is also the email outbox row.

    The unique (recipient, kind, period) row is what makes a reminder exactly-once: whoever
    inserts it first owns the send; a second worker's insert fails and sends nothing.
    """

    # No index of its own: it leads the unique (recipient, kind, period) index.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    period = models.CharField(_("period"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Set by the UPDATE that claims a batch of rows (members.notify.send_pending): the claimer
    # then loads exactly the rows it won with filter(claim=token).
    claim = models.UUIDField(null=True, blank=True, db_index=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"], name="one_notification_per_period"
            )
        ]
        indexes = [models.Index(fields=["email_state", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.subject


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    VIEW_CONFIDENTIAL = "view_confidential", _("Read confidential text")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_LINK = "password_link", _("Issued a set-password link")
    PASSWORD_SET = "password_set", _("Set a password")
    PASSWORD_RESET = "password_reset", _("Requested a password reset")
    UNLOCK = "unlock", _("Lifted a lockout")


class AppendOnlyQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def scope(self, user) -> "AppendOnlyQuerySet":
        return self.filter(branch_id__in=roles.branch_ids_managed(user))


class AuditLog(models.Model):
    """Who did what to which object, when, from where. Never holds confidential text."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    branch_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    contact_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=40, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        """Always an INSERT: a row built with an existing pk fails on the primary key instead of
        overwriting that row (Django would UPDATE it). On PostgreSQL a trigger refuses UPDATE,
        DELETE and TRUNCATE of the table as well (members migration `audit_append_only`)."""
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


# --- Issue 17: WeCom and DingTalk channels of the notification outbox (members/channels.py) ---


class Channel(models.TextChoices):
    WECOM_APP = "wecom_app", _("WeCom app message")
    WECOM_ROBOT = "wecom_robot", _("WeCom group robot")
    DINGTALK_ROBOT = "dingtalk_robot", _("DingTalk group robot")


class SchoolChannels(models.Model):
    """The school's self-built WeCom app (one row, pk=1). Only ids and the secret: the API base
    is the WECOM_API_BASE setting, never something a user types (no request forgery)."""

    wecom_corp_id = models.CharField(_("WeCom corp ID"), max_length=64, blank=True)
    wecom_agent_id = models.CharField(_("WeCom app AgentId"), max_length=20, blank=True)
    wecom_secret = models.CharField(_("WeCom app Secret"), max_length=128, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("school message channels")
        verbose_name_plural = _("school message channels")

    @classmethod
    def current(cls) -> "SchoolChannels":
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def wecom_ready(self) -> bool:
        return bool(self.wecom_corp_id and self.wecom_agent_id and self.wecom_secret)


class BranchChannels(models.Model):
    """A branch's group robots: the WeCom robot's key, the DingTalk robot's access token and
    signing secret. Keys only, never a URL."""

    branch = models.OneToOneField(
        Branch, on_delete=models.CASCADE, related_name="channels", primary_key=True
    )
    wecom_robot_key = models.CharField(_("WeCom group robot key"), max_length=128, blank=True)
    dingtalk_token = models.CharField(_("DingTalk robot access token"), max_length=128, blank=True)
    dingtalk_secret = models.CharField(
        _("DingTalk robot signing secret"), max_length=128, blank=True
    )
    mention_members = models.BooleanField(_("@-mention the members behind"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branch message channels")
        verbose_name_plural = _("branch message channels")

    def robots(self) -> list[str]:
        found = []
        if self.wecom_robot_key:
            found.append(Channel.WECOM_ROBOT)
        if self.dingtalk_token and self.dingtalk_secret:
            found.append(Channel.DINGTALK_ROBOT)
        return found


class ChannelMessage(models.Model):
    """One message on one channel: the outbox row of WeCom and DingTalk sends.

    Unique on (kind, period, recipient_key, channel): a member's app message has the key
    "u<user id>", a branch group's "b<branch id>". Sent only by whoever moved it from pending to
    sending (conditional UPDATE), as the email outbox (members.notify).
    """

    channel = models.CharField(max_length=20, choices=Channel.choices)
    kind = models.CharField(max_length=20)
    period = models.CharField(max_length=40)
    recipient_key = models.CharField(max_length=24)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    # @-mentions of a group message (only when the branch turned them on): userids and mobiles.
    mentions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The API's own reason (errcode and errmsg) or "timeout"/"HTTP 502": never a URL or key.
    last_error = models.CharField(max_length=300, blank=True)
    claim = models.UUIDField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "recipient_key", "channel"],
                name="one_channel_message_per_period",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} {self.period} {self.recipient_key}"
