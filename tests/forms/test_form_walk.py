"""Issue 14 "How forms are tested from now on": every POST form of the app has an id, a WebTest
test that submits it, and no submit button named like one of its fields.

The walk finds the POST forms in two places:
- templates/: every `<form method="post" ...>`; its `id` is a literal, or for one form per row
  starts with a literal (`id="unlock-form-{{ m.pk }}"`, named `unlock-form-*` here);
- crispy forms: every Form class of the apps is instantiated (keyword arguments from KWARGS) and
  its `{% crispy %}` output parsed; `helper.form_tag = False` leaves the <form> to the template.
A form counts as tested when a test module under tests/ (other than this one) names its id as
`forms["<id>"]` (WebTest's `page.forms[...]`). The `app` fixture (tests/conftest.py) also refuses,
at submit time, a POST form without an id or a clicked button named like a field.

How to make a new form pass: /work/coord/FORMS.md (and the module docstring above).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django import forms

ROOT = Path(__file__).resolve().parents[2]
APPS = ["members", "contacts", "talks", "inspections"]

# Existing forms still waiting for their WebTest test (issue 14). Shrinks to empty; never add a
# new form here: write its test instead.
PENDING: set[str] = set()

FORM_TAG = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r"""([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')""")
NAMED = re.compile(r"<(input|select|textarea|button)\b([^>]*)>", re.I)
TESTED_ID = re.compile(r"""forms\[\s*f?["']([^"'{]+)""")


def _attrs(text: str) -> dict[str, str]:
    return {m[1].lower(): m[3] if m[3] is not None else m[4] for m in ATTR.finditer(text)}


def _buttons_and_fields(elements) -> tuple[set[str], set[str]]:
    """(names of submit buttons, names of the other controls) from (tag, attrs) pairs."""
    buttons, fields = set(), set()
    for tag, attrs in elements:
        name = attrs.get("name")
        if not name:
            continue
        kind = (attrs.get("type") or ("submit" if tag == "button" else "")).lower()
        (buttons if kind in ("submit", "image") else fields).add(name)
    return buttons, fields


def template_forms() -> list[tuple[str, str | None, set[str], set[str]]]:
    """(where, id, button names, field names) of every POST <form> written in a template."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for match in FORM_TAG.finditer(text):
            attrs = _attrs(match[1])
            if attrs.get("method", "get").lower() != "post":
                continue
            elements = [(m[1].lower(), _attrs(m[2])) for m in NAMED.finditer(match[2])]
            form_id = attrs.get("id")
            if form_id and "{" in form_id:
                # One form per row (id="unlock-form-{{ m.pk }}"): its literal start names it.
                form_id = form_id.split("{", 1)[0] + "*" if form_id[0] != "{" else None
            where = f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
            found.append((where, form_id, *_buttons_and_fields(elements)))
    return found


def form_classes() -> list[type[forms.BaseForm]]:
    classes = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(cls, forms.BaseForm)
                    and cls.__module__ == module.__name__
                    and not inspect.isabstract(cls)
                    # a ModelForm base without a model (shared behaviour) is never rendered
                    and not (issubclass(cls, forms.ModelForm) and cls._meta.model is None)
                ):
                    classes[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [classes[key] for key in sorted(classes)]


@pytest.fixture
def kwargs_for(member_a, branch):
    """Values for the keyword arguments the apps' forms require. A new required argument: add
    it here (any valid value; the walk only renders the empty form)."""
    from talks.models import OpinionStatus

    values = {
        "member": member_a,
        "branch": branch,
        "current": OpinionStatus.RECEIVED,
        "user": member_a.user,
        "by": member_a.user,
        "may_read_confidential": True,
        # inspections.remind.RemindForm: the members behind and those reminded today.
        "behind": [],
        "done": set(),
    }

    def make(cls) -> dict:
        kwargs = {}
        for name, param in inspect.signature(cls.__init__).parameters.items():
            if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if param.default is param.empty:
                if name not in values:
                    pytest.fail(
                        f"{cls.__module__}.{cls.__qualname__} needs `{name}`: add a value for it "
                        "to kwargs_for in tests/forms/test_form_walk.py"
                    )
                kwargs[name] = values[name]
        return kwargs

    return make


def crispy_forms(kwargs_for) -> list[tuple[str, str | None, set[str], set[str]]]:
    """(where, id, button names, field names) of every crispy form that renders its own POST
    <form> tag."""
    from crispy_forms.utils import render_crispy_form

    found = []
    for cls in form_classes():
        form = cls(**kwargs_for(cls))
        helper = getattr(form, "helper", None)
        if helper is None or not helper.form_tag or helper.form_method.lower() != "post":
            continue
        soup = BeautifulSoup(render_crispy_form(form), "html.parser")
        tag = soup.find("form")
        elements = [
            (el.name, {k: v if isinstance(v, str) else " ".join(v) for k, v in el.attrs.items()})
            for el in tag.find_all(["input", "select", "textarea", "button"])
        ]
        found.append(
            (f"{cls.__module__}.{cls.__qualname__}", tag.get("id"), *_buttons_and_fields(elements))
        )
    return found


def tested_ids() -> set[str]:
    ids = set()
    for path in (ROOT / "tests").rglob("*.py"):
        if path.resolve() != Path(__file__).resolve():
            ids.update(TESTED_ID.findall(path.read_text()))
    return ids


def _is_tested(form_id: str, tested: set[str]) -> bool:
    if form_id.endswith("*"):
        return any(t.startswith(form_id[:-1]) for t in tested)
    return form_id in tested


@pytest.mark.django_db
def test_issue14_every_post_form_has_an_id_a_webtest_test_and_no_button_named_like_a_field(
    kwargs_for,
):
    everything = template_forms() + crispy_forms(kwargs_for)
    assert len(everything) > 10, "the walk found almost no forms: it is broken, not the app"
    tested = tested_ids()
    problems = []
    seen: dict[str, str] = {}
    for where, form_id, buttons, fields in everything:
        if not form_id:
            problems.append(f"{where}: a POST form without a literal id")
            continue
        if form_id in seen and seen[form_id] != where:
            problems.append(f"{where}: id {form_id!r} is also used by {seen[form_id]}")
        seen[form_id] = where
        for name in sorted(buttons & fields):
            problems.append(
                f"{where} ({form_id}): the submit button is named like the field {name!r}"
            )
        if not _is_tested(form_id, tested) and form_id not in PENDING:
            problems.append(f"{where}: no WebTest test submits forms[{form_id!r}]")
    for form_id in sorted(f for f in PENDING if _is_tested(f, tested)):
        problems.append(f"{form_id!r} has its test now: remove it from PENDING")
    for form_id in sorted(PENDING - set(seen)):
        problems.append(f"{form_id!r} in PENDING is no form any more: remove it")
    assert not problems, "\n".join(problems)
