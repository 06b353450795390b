#!/bin/sh
# Install perfreports and what it uses from the system (Debian/Ubuntu):
#   1. the Debian packages listed in requirements-debian.txt — CJK fonts (charts), LibreOffice
#      (.doc/.wps files), Chromium (a browser test), qpdf (a fuzz test), the libraries OpenCV
#      loads (OCR) — with apt-get, as root or through sudo without a password;
#   2. the Python package with its test tools, OCR engine and review app: pip install -e ".[test,ocr,review]";
#   3. `python pipeline.py doctor`: what is installed, what a missing part disables.
# Where apt-get cannot be used (not Debian, not root) step 1 is skipped with a message: the
# pipeline works without those packages and the tests that need one are skipped, with the reason.
# PERFREPORTS_NO_APT=1 skips step 1 on purpose.
set -e
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python}
packages=$(grep -v '^#' requirements-debian.txt | tr '\n' ' ')

if [ -n "$PERFREPORTS_NO_APT" ]; then
  echo "install.sh: PERFREPORTS_NO_APT is set, not installing the Debian packages: $packages"
elif ! command -v apt-get >/dev/null 2>&1; then
  echo "install.sh: no apt-get here; install these packages (or your system's equivalents) yourself: $packages"
else
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  if [ "$sudo" = none ]; then
    echo "install.sh: not root and no password-less sudo; run as root: apt-get install $packages"
  else
    echo "install.sh: installing Debian packages: $packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
  fi
fi

echo "install.sh: installing the Python package: pip install -e \".[test,ocr,review]\""
"$PYTHON" -m pip install -q -e ".[test,ocr,review]"
"$PYTHON" pipeline.py doctor
