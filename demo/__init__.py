"""Demo data for `make run` (manage.py seed_demo), the tests and `make bench`. Not an app: it
imports the apps to build their rows, and nothing in them imports it."""
