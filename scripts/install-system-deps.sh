#!/usr/bin/env bash
# Installs from Debian what is missing: Chromium (the site prints each department-year to PDF with it, and the
# browser tests drive it; Playwright cannot download its own browser here), a CJK font so that Chinese renders
# in the PDFs and screenshots, and poppler-utils (pdftotext, pdfinfo) with which the tests read the PDFs back.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing ${need[*]} from apt" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
fi
