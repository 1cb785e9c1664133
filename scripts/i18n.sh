#!/usr/bin/env bash
# Rebuild locale/zh_Hans/LC_MESSAGES/django.po from the source strings and the translations in
# locale/zh_Hans/parts/*.po (one file per area, so parallel work does not collide), then compile.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
po=locale/zh_Hans/LC_MESSAGES/django.po
mkdir -p locale/zh_Hans/LC_MESSAGES
"$PY" manage.py makemessages -l zh_Hans --no-location --no-obsolete \
  --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='staticfiles/*' >/dev/null
compendium=$(mktemp --suffix=.po)
msgcat --use-first -o "$compendium" locale/zh_Hans/parts/*.po
msgmerge --quiet --no-fuzzy-matching --no-location --compendium="$compendium" -o "$po.new" /dev/null "$po" 2>/dev/null \
  || msgmerge --quiet --no-fuzzy-matching --compendium="$compendium" -o "$po.new" "$po" "$po"
mv "$po.new" "$po"
rm -f "$compendium"
msgattrib --no-obsolete -o "$po" "$po"
"$PY" manage.py compilemessages -l zh_Hans --ignore='.venv/*' >/dev/null
msgfmt --statistics -o /dev/null "$po"
