"""Finding 8: the token of one-time set-password links and password-reset mails.

Django's PasswordResetTokenGenerator already voids a token once the password changes (the hash
covers the password hash) and after PASSWORD_RESET_TIMEOUT (72 hours). The member's
`password_link_issued_at` is added to the hash, so issuing a new link voids the older one.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from .models import Member


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "members.tokens.SetPasswordTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        issued = (
            Member.objects.filter(user=user)
            .values_list("password_link_issued_at", flat=True)
            .first()
        )
        stamp = issued.isoformat() if issued else ""
        return f"{super()._make_hash_value(user, timestamp)}{stamp}"


set_password_token = SetPasswordTokenGenerator()
