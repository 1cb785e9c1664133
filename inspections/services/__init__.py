"""Writes of the semester cycle, by feature: reports.py (R61), inspections.py (R62),
assessments.py (R64 and its exports), ethics.py (R48), branches.py (branch settings, R63
cases), reminders.py (scheduled and sent now). Each in one transaction with its audit row;
figures come from talks/obligations.py through the selectors.
"""
