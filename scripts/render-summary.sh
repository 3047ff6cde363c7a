#!/usr/bin/env bash
# Renders the Summary page of the demo report as LibreOffice prints it (docs/summary-page.png in
# the README), and the one-page PDF summary (docs/summary-pdf.png): October 2026 against the built-in simulator, after September so that the Summary
# compares with it, LibreOffice's PDF of its workbook, the first page as a PNG. Fixed months, so
# the picture does not depend on the day it is made. Needs LibreOffice (soffice) and
# poppler-utils (pdftoppm), as CI installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for month in 2026-09 2026-10; do npm run --silent report -- --quiet --month "$month" --out "$work/report" > /dev/null; done
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf --outdir "$work" "$work"/report/hems-savings-2026-10.xlsx > /dev/null
pdftoppm -f 1 -l 1 -r 80 -png -singlefile "$work"/hems-savings-2026-10.pdf docs/summary-page
pdfinfo "$work"/hems-savings-2026-10.pdf | grep -E '^(Pages|Page size)'
echo "Wrote docs/summary-page.png"
# The one-page PDF summary that goes to finance with the email.
pdftoppm -f 1 -l 1 -r 70 -png -singlefile "$work"/report/hems-savings-2026-10-summary.pdf docs/summary-pdf
echo "Wrote docs/summary-pdf.png"
