#!/usr/bin/env bash
# Renders the Summary page of the demo report as LibreOffice prints it (docs/summary-page.png in
# the README): the report against the built-in simulator, LibreOffice's PDF of its workbook, the
# first page as a PNG. Needs LibreOffice (soffice) and poppler-utils (pdftoppm), as CI installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm run --silent report -- --quiet --out "$work/report" --org-label "Demo Energie GmbH" > /dev/null
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf --outdir "$work" "$work"/report/hems-savings-*.xlsx > /dev/null
pdftoppm -f 1 -l 1 -r 80 -png -singlefile "$work"/hems-savings-*.pdf docs/summary-page
pdfinfo "$work"/hems-savings-*.pdf | grep -E '^(Pages|Page size)'
echo "Wrote docs/summary-page.png"
