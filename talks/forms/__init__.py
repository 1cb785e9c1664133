"""Forms of the talks app, by feature: talks.py (a talk, a must-talk event, the handbook's
period), opinions.py (the queue and the box), records.py (symposiums, leaders' visits,
briefings), confirmation.py (R42).
"""
