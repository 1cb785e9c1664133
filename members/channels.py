"""WeCom and DingTalk: channels of the notification outbox (issue 17).

Every notification (members.notify) may also go out as
- a WeCom app message (`textcard`) to the member's WeCom userid, when the school set up its
  WeCom app and the member has a userid and did not turn WeCom off;
- a markdown message to the branch group's robots (WeCom group robot, DingTalk custom robot),
  for the group kinds only: the monthly summary (a count of the members still behind) and the
  secretary's reminders (GROUP_KINDS).

`fan_out` writes one ChannelMessage row per message and channel, unique on (kind, period,
recipient, channel): whoever inserts it first owns the send. `send_due` sends the due rows as the
email outbox does: a conditional UPDATE claims them (pending → sending, with a token), each
outcome is one UPDATE right after its request, a process killed mid-batch leaves its held rows
'sending' until `sweep` gives them back after notify.STALE_SENDING. Timeouts, 5xx and the
rate-limit codes are retried with backoff (RETRY_CODES); any other error code (a bad key, an
unknown user) is permanent: the row is failed with the API's reason, shown on the settings page.
A robot sends at most ROBOT_PER_MINUTE messages a minute: its sends are serialized on its
BranchChannels row and counted over the last minute.
A WeCom app message asks WeCom to drop a repeat of the same card to the same member within
DUPLICATE_CHECK_SECONDS: a send WeCom took whose answer was lost (a timeout, a worker killed before
it wrote SENT) is sent again, and that repeat does not reach the member twice. The robots have no
such check: a robot message whose answer was lost may reach the group twice.

Texts carry counts, dates and a link: the group texts are written here, and a member's card
carries their own notification's subject and body (which the reminder jobs keep to counts and
dates). Secrets are never logged or stored in last_error: errors are the API's code and message or
our own words ("timeout", "HTTP 502"), and any echo of a secret is blanked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
import time
import urllib.parse
import uuid
from collections import defaultdict
from datetime import timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import (
    NOW_PREFIX,
    BranchChannels,
    Channel,
    ChannelMessage,
    EmailState,
    Member,
    Notification,
    NotificationKind,
    Role,
    SchoolChannels,
)
from .web import absolute

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 100
STALE_SENDING = timedelta(minutes=15)
ROBOT_PER_MINUTE = 20
# Notifications this recent are fanned out again by the sweep (inserted by notify_many and not
# sent by their job, or a member who has just added a WeCom account).
FAN_OUT_WINDOW = timedelta(days=2)
# Kinds that also go to the branch group: the monthly summary and the secretary's reminders.
GROUP_KINDS = (NotificationKind.MONTHLY, NotificationKind.GAPS_SUMMARY, NotificationKind.INSPECTION)
# Error codes worth retrying: busy (-1), WeCom's frequency and concurrency limits (45009, 45033),
# DingTalk's "sending too fast" (130101). WeCom's expired/invalid token (42001, 40014) fetches a
# new token first (WecomApp.send).
RETRY_CODES = {-1, 45009, 45033, 130101}
RATE_CODES = {45009, 45033, 130101}
TOKEN_CODES = {40014, 42001, 40001}
# A token is refreshed this long before WeCom says it expires.
TOKEN_EARLY = 300
# WeCom's duplicate check window (its maximum, 4 hours): see the module's docstring.
DUPLICATE_CHECK_SECONDS = 4 * 60 * 60


class Retry(Exception):
    """A temporary failure: try again later (after `at_least` seconds)."""

    def __init__(self, reason: str, at_least: int = 0):
        super().__init__(reason)
        self.at_least = at_least


class Permanent(Exception):
    """The API refused for good (a bad key, an unknown user): not retried."""


# --- the HTTP calls --------------------------------------------------------------------------


def _call(method: str, url: str, *, secrets: tuple[str, ...] = (), **kwargs) -> dict:
    """One request; the API's JSON answer. Errors say what happened without the URL (it holds
    the key or token)."""
    try:
        response = requests.request(method, url, timeout=settings.CHANNEL_TIMEOUT, **kwargs)
    except requests.Timeout:
        raise Retry("timeout") from None
    except requests.RequestException as exc:
        raise Retry(f"connection error ({type(exc).__name__})") from None
    if response.status_code >= 500:
        raise Retry(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise Retry(f"HTTP {response.status_code}, not JSON") from None
    if not isinstance(answer, dict):
        raise Retry(f"HTTP {response.status_code}, unexpected answer")
    answer["errmsg"] = _blank(str(answer.get("errmsg", "")), secrets)[:200]
    return answer


def _blank(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _check(answer: dict) -> None:
    code = _code(answer)
    if code == 0:
        return
    reason = f"{code} {answer.get('errmsg', '')}".strip()
    if code in RETRY_CODES:
        raise Retry(reason, at_least=60 if code in RATE_CODES else 0)
    raise Permanent(reason)


def _code(answer: dict) -> int:
    try:
        return int(answer.get("errcode", 0))
    except (TypeError, ValueError):
        return -1


class WecomApp:
    """The school's self-built WeCom app: gettoken, then message/send."""

    def __init__(self, school: SchoolChannels):
        self.school = school
        self.secrets = (school.wecom_secret,)
        digest = hashlib.sha256(
            f"{school.wecom_corp_id}\n{school.wecom_secret}".encode()
        ).hexdigest()[:16]
        self.cache_key = f"wecom-token:{digest}"

    def token(self, *, fresh: bool = False) -> str:
        token = None if fresh else cache.get(self.cache_key)
        if token:
            return token
        answer = _call(
            "GET",
            f"{settings.WECOM_API_BASE}/cgi-bin/gettoken",
            params={"corpid": self.school.wecom_corp_id, "corpsecret": self.school.wecom_secret},
            secrets=self.secrets,
        )
        _check(answer)
        token = answer.get("access_token") or ""
        if not token:
            raise Retry("no access_token in the answer")
        expires = int(answer.get("expires_in") or 7200)
        cache.set(self.cache_key, token, timeout=max(expires - TOKEN_EARLY, 60))
        return token

    def payload(
        self, userid: str, title: str, text: str, link: str, *, dedupe: bool = True
    ) -> dict:
        body = {
            "touser": userid,
            "msgtype": "textcard",
            "agentid": int(self.school.wecom_agent_id),
            "textcard": {
                "title": title[:128],
                "description": html.escape(text[:500]),
                "url": link,
                "btntxt": _("Details"),
            },
        }
        if dedupe:
            body["enable_duplicate_check"] = 1
            body["duplicate_check_interval"] = DUPLICATE_CHECK_SECONDS
        return body

    def send(self, userid: str, title: str, text: str, link: str, *, dedupe: bool = True) -> dict:
        body = self.payload(userid, title, text, link, dedupe=dedupe)
        for fresh in (False, True):
            token = self.token(fresh=fresh)
            answer = _call(
                "POST",
                f"{settings.WECOM_API_BASE}/cgi-bin/message/send",
                params={"access_token": token},
                json=body,
                secrets=(*self.secrets, token),
            )
            if _code(answer) in TOKEN_CODES and not fresh:
                cache.delete(self.cache_key)  # expired or revoked early: fetch a new one
                continue
            _check(answer)
            # WeCom answers 0 and names the users it could not reach.
            if answer.get("invaliduser"):
                raise Permanent(_("unknown WeCom account: %(userid)s") % {"userid": userid})
            return answer
        raise Retry("access token refused twice")


def wecom_robot_send(key: str, content: str, mentions: dict) -> dict:
    body = {"msgtype": "markdown", "markdown": {"content": content}}
    answer = _call(
        "POST",
        f"{settings.WECOM_API_BASE}/cgi-bin/webhook/send",
        params={"key": key},
        json=body,
        secrets=(key,),
    )
    _check(answer)
    return answer


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """URL-encoded base64 of HMAC-SHA256 over "{timestamp}\\n{secret}", keyed with the secret."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_send(token: str, secret: str, title: str, content: str, mentions: dict) -> dict:
    timestamp = int(time.time() * 1000)
    body = {
        "msgtype": "markdown",
        "markdown": {"title": title, "text": content},
        "at": {"atMobiles": mentions.get("mobiles", []), "isAtAll": False},
    }
    # The signature is already URL-encoded: the query string is built by hand.
    url = (
        f"{settings.DINGTALK_API_BASE}/robot/send?access_token={urllib.parse.quote(token)}"
        f"&timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    )
    answer = _call("POST", url, json=body, secrets=(token, secret))
    _check(answer)
    return answer


# --- texts -----------------------------------------------------------------------------------


def group_markdown(message: ChannelMessage) -> str:
    """The robots' markdown: title, the count text, the mentions (if any) and the link."""
    lines = [f"**{message.title}**", message.text]
    if message.channel == Channel.WECOM_ROBOT:
        lines += [" ".join(f"<@{u}>" for u in message.mentions.get("userids", []))]
    else:
        lines += [" ".join(f"@{m}" for m in message.mentions.get("mobiles", []))]
    lines.append(f"[{_('Open the app')}]({absolute(message.link)})")
    return "\n\n".join(line for line in lines if line)


def _group_text(notification: Notification, count: int | None) -> tuple[str, str]:
    if notification.kind == NotificationKind.MONTHLY:
        return (
            _("This month's talks (%(month)s)") % {"month": notification.period},
            _(
                "%(count)s members of the branch have not completed this month's talks and "
                "work reports yet."
            )
            % {"count": count},
        )
    if notification.kind == NotificationKind.INSPECTION:
        return notification.subject, _("The inspection is ready; open the app to read it.")
    return notification.subject, notification.body


# --- fan-out ---------------------------------------------------------------------------------


def fan_out(notifications, school: SchoolChannels | None = None) -> int:
    """Write the channel rows of these notifications that are not there yet (ignored
    conflicts on the unique key). A fixed number of queries; returns the rows offered."""
    school = school or SchoolChannels.current()
    rows: list[ChannelMessage] = []
    notes = list(
        notifications.filter(
            recipient__is_active=True, recipient__member__active=True
        ).select_related("recipient__member")
    )
    if not notes:
        return 0
    if school.wecom_ready:
        for note in notes:
            member = note.recipient.member
            if member.notify_wecom and member.wecom_userid:
                rows.append(
                    ChannelMessage(
                        channel=Channel.WECOM_APP,
                        kind=note.kind,
                        period=note.period,
                        recipient_key=f"u{note.recipient_id}",
                        recipient_id=note.recipient_id,
                        title=note.subject,
                        text=note.body,
                        link=note.link,
                    )
                )
    # A reminder sent now is to one person: never to the branch group.
    rows += _group_rows(
        [n for n in notes if n.kind in GROUP_KINDS and not n.period.startswith(NOW_PREFIX)]
    )
    if rows:
        ChannelMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _group_rows(notes: list[Notification]) -> list[ChannelMessage]:
    if not notes:
        return []
    configs = {
        c.branch_id: c
        for c in BranchChannels.objects.filter(
            branch_id__in={n.recipient.member.branch_id for n in notes}
        )
    }
    configs = {b: c for b, c in configs.items() if c.robots()}
    if not configs:
        return []
    monthly = [n for n in notes if n.kind == NotificationKind.MONTHLY]
    # The members behind, per (branch, month): all MONTHLY rows of those months (one query).
    behind: dict[tuple[int, str], list[Member]] = defaultdict(list)
    if monthly:
        for note in Notification.objects.filter(
            kind=NotificationKind.MONTHLY,
            period__in={n.period for n in monthly},
            recipient__member__branch_id__in=list(configs),
        ).select_related("recipient__member"):
            behind[(note.recipient.member.branch_id, note.period)].append(note.recipient.member)
    rows, seen = [], set()
    for note in notes:
        member = note.recipient.member
        config = configs.get(member.branch_id)
        if config is None:
            continue
        if note.kind != NotificationKind.MONTHLY and member.role != Role.SECRETARY:
            continue
        key = (note.kind, note.period, member.branch_id)
        if key in seen:
            continue
        seen.add(key)
        people = behind.get((member.branch_id, note.period), [])
        title, text = _group_text(note, len(people))
        mentions = {}
        if config.mention_members and note.kind == NotificationKind.MONTHLY:
            mentions = {
                "userids": sorted(p.wecom_userid for p in people if p.wecom_userid),
                "mobiles": sorted(p.mobile for p in people if p.mobile),
            }
        for channel in config.robots():
            rows.append(
                ChannelMessage(
                    channel=channel,
                    kind=note.kind,
                    period=note.period,
                    recipient_key=f"b{member.branch_id}",
                    branch_id=member.branch_id,
                    title=title,
                    text=text,
                    link=note.link if note.kind != NotificationKind.MONTHLY else "/",
                    mentions=mentions,
                )
            )
    return rows


# --- sending ---------------------------------------------------------------------------------


def _claim(rows, **extra) -> int:
    now = timezone.now()
    return rows.filter(state=EmailState.PENDING, next_attempt_at__lte=now).update(
        state=EmailState.SENDING, attempts=F("attempts") + 1, next_attempt_at=now, **extra
    )


def claim_batch(ids: list[int]) -> list[ChannelMessage]:
    token = uuid.uuid4()
    if not _claim(ChannelMessage.objects.filter(pk__in=ids), claim=token):
        return []
    return list(
        ChannelMessage.objects.filter(claim=token, state=EmailState.SENDING)
        .select_related("recipient__member")
        .order_by("pk")
    )


def send_due(rows=None, limit: int | None = None) -> int:
    """Send the due pending rows (of this queryset, by default all); how many were tried."""
    rows = ChannelMessage.objects.all() if rows is None else rows
    ids = list(
        rows.filter(state=EmailState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for start in range(0, len(ids), BATCH_SIZE):
        school = SchoolChannels.current()
        for message in claim_batch(ids[start : start + BATCH_SIZE]):
            send_claimed(message, school)
            done += 1
    return done


def send_claimed(message: ChannelMessage, school: SchoolChannels | None = None) -> None:
    """Send one claimed row and record its outcome."""
    if message.channel == Channel.WECOM_APP:
        school = school or SchoolChannels.current()
        member = getattr(message.recipient, "member", None)
        if not school.wecom_ready or member is None or not member.wecom_userid:
            _finish(message, EmailState.SKIPPED)
            return
        _attempt(
            message,
            lambda: WecomApp(school).send(
                member.wecom_userid, message.title, message.text, absolute(message.link)
            ),
        )
        return
    # A robot: one sender at a time per branch, at most ROBOT_PER_MINUTE a minute.
    with transaction.atomic():
        config = BranchChannels.objects.select_for_update().filter(branch_id=message.branch_id)
        config = config.first()
        if config is None or message.channel not in config.robots():
            _finish(message, EmailState.SKIPPED)
            return
        minute_ago = timezone.now() - timedelta(seconds=60)
        recent = ChannelMessage.objects.filter(
            channel=message.channel, branch_id=message.branch_id, sent_at__gte=minute_ago
        ).order_by("sent_at")
        if recent.count() >= ROBOT_PER_MINUTE:
            # Given back uncharged, due when the oldest of the minute's sends is a minute old.
            ChannelMessage.objects.filter(pk=message.pk).update(
                state=EmailState.PENDING,
                attempts=F("attempts") - 1,
                next_attempt_at=recent.first().sent_at + timedelta(seconds=61),
            )
            return
        content = group_markdown(message)
        if message.channel == Channel.WECOM_ROBOT:
            _attempt(
                message, lambda: wecom_robot_send(config.wecom_robot_key, content, message.mentions)
            )
        else:
            _attempt(
                message,
                lambda: dingtalk_send(
                    config.dingtalk_token,
                    config.dingtalk_secret,
                    message.title,
                    content,
                    message.mentions,
                ),
            )


def _attempt(message: ChannelMessage, send) -> None:
    try:
        send()
    except Permanent as exc:
        log.warning("channel message %s refused: %s", message.pk, exc)
        _finish(message, EmailState.FAILED, str(exc))
    except Retry as exc:
        if message.attempts >= MAX_ATTEMPTS:
            log.warning("channel message %s failed for good: %s", message.pk, exc)
            _finish(message, EmailState.FAILED, str(exc))
            return
        delay = max(timedelta(minutes=2**message.attempts), timedelta(seconds=exc.at_least))
        ChannelMessage.objects.filter(pk=message.pk).update(
            state=EmailState.PENDING,
            next_attempt_at=timezone.now() + delay,
            last_error=str(exc)[:300],
        )
    else:
        _finish(message, EmailState.SENT)


def _finish(message: ChannelMessage, state: str, error: str = "") -> None:
    ChannelMessage.objects.filter(pk=message.pk).update(
        state=state,
        sent_at=timezone.now() if state == EmailState.SENT else None,
        last_error=error[:300],
    )


def deliver(notifications) -> int:
    """Fan these notifications out and send what is due: called after their email is sent."""
    try:
        school = SchoolChannels.current()
        if not school.wecom_ready and not BranchChannels.objects.exists():
            return 0  # nothing set up (two queries): email and the in-app list only
        fan_out(notifications.filter(created_at__gte=timezone.now() - FAN_OUT_WINDOW), school)
        return send_due()
    except Exception:  # a channel must never fail the job or the email
        log.exception("channel delivery failed; the sweep will retry")
        return 0


def sweep(limit: int = 1000) -> int:
    """Free rows of dead workers, fan out recent notifications, send what is due."""
    ChannelMessage.objects.filter(
        state=EmailState.SENDING, next_attempt_at__lt=timezone.now() - STALE_SENDING
    ).update(state=EmailState.PENDING)
    fan_out(Notification.objects.filter(created_at__gte=timezone.now() - FAN_OUT_WINDOW))
    return send_due(limit=limit)


# --- the test message button -----------------------------------------------------------------


def send_test(*, channel: str, school=None, config=None, userid: str = "") -> tuple[bool, str]:
    """Send a test message now (nothing is stored); (ok, the API's answer in words)."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Test message")
        text = _("The channel of %(school)s works.") % {"school": settings.SCHOOL_NAME}
        try:
            if channel == Channel.WECOM_APP:
                # Not deduplicated: a second test a minute later must arrive too.
                WecomApp(school).send(userid, title, text, absolute("/"), dedupe=False)
            elif channel == Channel.WECOM_ROBOT:
                wecom_robot_send(config.wecom_robot_key, f"**{title}**\n\n{text}", {})
            else:
                dingtalk_send(
                    config.dingtalk_token,
                    config.dingtalk_secret,
                    title,
                    f"**{title}**\n\n{text}",
                    {},
                )
        except (Permanent, Retry) as exc:
            return False, str(exc)
    return True, "0 ok"
