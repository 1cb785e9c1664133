"""Demo data for `make run` (manage.py seed_demo), the tests and `make bench`: an app of its
own, installed above the others (members ← contacts ← talks ← inspections ← demo), with no model;
nothing in the other apps imports it."""
