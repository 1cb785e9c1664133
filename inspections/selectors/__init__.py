"""Reads of the semester cycle, by feature: dashboard.py (branch, school, leader; who is behind),
reports.py (R61 figures), inspections.py (R62), assessments.py (R64). A fixed number of
queries each; every figure comes from talks/obligations.py.
"""
