#!/usr/bin/env bash
# Rebuild locale/zh_Hans/LC_MESSAGES/django.po from the source strings and the translations in
# locale/zh_Hans/parts/*.po (one file per area, so parallel work does not collide), then compile.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DEBUG=${DEBUG:-1}
po=locale/zh_Hans/LC_MESSAGES/django.po
mkdir -p locale/zh_Hans/LC_MESSAGES
"$PY" manage.py makemessages -l zh_Hans --no-location --no-obsolete \
  --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='staticfiles/*' >/dev/null
compendium=$(mktemp --suffix=.po)
# ui.po (the reviewed, RULES.md wording) wins where two parts translate the same string.
msgcat --use-first -o "$compendium" locale/zh_Hans/parts/ui.po \
  $(ls locale/zh_Hans/parts/*.po | grep -v "/ui.po$")
msgmerge --quiet --no-fuzzy-matching --no-location --compendium="$compendium" -o "$po.new" /dev/null "$po" 2>/dev/null \
  || msgmerge --quiet --no-fuzzy-matching --compendium="$compendium" -o "$po.new" "$po" "$po"
mv "$po.new" "$po"
rm -f "$compendium"
msgattrib --no-obsolete -o "$po" "$po"
# msgmerge keeps the template's header: give it the language and plural rule back.
"$PY" - "$po" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
if '"Plural-Forms:' not in text:
    ct = '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    extra = '"Language: zh_Hans\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n'
    text = text.replace(ct, ct + extra, 1)
    open(path, "w", encoding="utf-8").write(text)
PY
"$PY" manage.py compilemessages -l zh_Hans --ignore='.venv/*' >/dev/null
msgfmt --statistics -o /dev/null "$po"
