"""Writes of the talks app, by feature: talks.py (the member's handbook entries and must-talk
events), opinions.py (the R43 queue, the box, who hears of an opinion), records.py (symposiums,
leaders' visits and briefings), confirmation.py (R42).
"""
