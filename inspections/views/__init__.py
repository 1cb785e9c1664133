"""Pages of the semester cycle, by feature: dashboard.py, reports.py (R61), inspections.py (R62),
assessments.py (R64 and the Excel and PDF exports), ethics.py (R48), exemplary.py (R63),
help.py.
"""
