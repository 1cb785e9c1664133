"""Pages of the members app, by feature: home.py (login, home, health), accounts.py, channels.py,
leads.py (R46), notifications.py, errors.py.
"""
