#!/bin/sh
# Remake the sample weekly report and appointment packet from the demo diary, with PNG
# previews of their first pages (shown in the README).
#
#     sh reports/make_samples.sh            # uses `python` (or set PYTHON=/path/to/python)
#
# The demo diary goes to a temporary folder, never to your own diary. The clock is pinned
# (CRAMPLOG_NOW, TZ) and SOURCE_DATE_EPOCH fixes the PDFs' dates, so running this again on
# the same cramplog gives byte-identical PDFs. Previews need pdftoppm (poppler-utils).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

export CRAMPLOG_HOME="$tmp"
export CRAMPLOG_NOW="2026-11-23T08:00:00"
export TZ="Europe/London"
export SOURCE_DATE_EPOCH=1795420800 # 2026-11-23 08:00 UTC
unset CRAMPLOG_DB || true
cd "$tmp" # run the installed cramplog, never the sources beside this script

"$py" -m cramplog demo --db-path "$tmp/demo.db" >/dev/null
"$py" -m cramplog --db "$tmp/demo.db" report weekly -o "$here/weekly.pdf" --force
"$py" -m cramplog --db "$tmp/demo.db" report appointment -o "$here/appointment.pdf" --force

for name in weekly appointment; do
    pdftoppm -png -r 100 -f 1 -l 1 -singlefile "$here/$name.pdf" "$here/$name"
done
echo "previews: $here/weekly.png $here/appointment.png"
