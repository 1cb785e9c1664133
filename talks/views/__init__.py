"""Pages of the talks app, by feature: talks.py (the member's page and records), events.py (R51),
opinions.py (the R43 queue), records.py (R52, R54), contacts.py (a contact's timeline),
handbook.py (R410), confirmation.py (R42) and box.py (R43), the last two partly without login.
"""
