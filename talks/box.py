"""R43: the staff opinion box, without login, and its receipt codes.

A receipt code is 12 characters of Crockford's base32 (60 random bits), shown in three groups of
four for reading aloud. Only its SHA-256 is stored: the code is shown once, to the submitter.
A lookup always hashes what was typed and asks the database once, so a malformed code, an
unknown one and a wrong one take the same path and get the same answer.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from members.models import Branch

from .models import Opinion, OpinionSource
from .services import opinion_enqueue

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 12  # 60 bits
# What people misread or mistype, read the way Crockford's base32 reads it.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
TEXT_MAX = 2000
NAME_MAX = 60
CONTACT_WAY_MAX = 100


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize(typed: str) -> str:
    return "".join(ch for ch in typed.upper().translate(_READ_AS) if ch in ALPHABET)[:40]


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


def lookup(typed: str) -> Opinion | None:
    """The opinion of this receipt code, or None (one query whatever was typed)."""
    return (
        Opinion.objects.filter(receipt_hash=code_hash(typed), source=OpinionSource.BOX)
        .only("status", "answer", "answered_at", "received_on", "branch_id")
        .first()
    )


@transaction.atomic
def box_submit(
    *, branch: Branch, content: str, category: str = "", name: str = "", contact_way: str = ""
) -> tuple[Opinion, str]:
    """A member of staff's opinion enters the branch queue; returns it and its receipt code.
    Audited with the submitter's address (the audit row names nobody: they may be anonymous)."""
    code = new_code()
    today = timezone.localdate()
    opinion = opinion_enqueue(
        opinion=Opinion(
            branch=branch,
            source=OpinionSource.BOX,
            raised_by_name=name.strip()[:NAME_MAX],
            contact_way=contact_way.strip()[:CONTACT_WAY_MAX],
            category=category,
            content=content.strip(),
            received_on=today,
            due_on=today + timedelta(days=branch.opinion_deadline_days),
            receipt_hash=code_hash(code),
        ),
        by=None,
    )
    return opinion, code
