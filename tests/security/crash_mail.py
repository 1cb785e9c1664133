"""An email backend for the fault tests (test_faults.py), used by a `manage.py` subprocess.

It appends each recipient to the file named by CRASH_MAIL_LOG (one line per email handed over),
and when CRASH_MAIL_AFTER emails have gone, the next send kills the process on the spot
(os._exit: no cleanup, no rollback, like a worker killed by the OOM killer or a deploy).
"""

import os

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["CRASH_MAIL_LOG"]
        limit = int(os.environ.get("CRASH_MAIL_AFTER", "-1"))
        with open(path, "a+", encoding="utf-8") as log:
            log.seek(0)
            if limit >= 0 and len(log.readlines()) >= limit:
                os._exit(137)
            for message in email_messages:
                log.write(",".join(message.to) + "\n")
        return len(email_messages)
