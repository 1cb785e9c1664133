"""Pages of the contacts app, by feature: contacts.py, roster.py, audit.py."""
