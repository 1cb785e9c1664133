"""Writes of the contacts app, by feature: contacts.py (contacts, assignments, pairing,
assistance) and roster.py (the roster import)."""
