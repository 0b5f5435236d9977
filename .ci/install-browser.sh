#!/usr/bin/env bash
# Install what tests/acceptance/test_browser_login.py needs: Debian's headless-capable
# Chromium and its matching chromedriver, and Selenium to drive them. Safe to run again: it
# does nothing when everything is already there. Needs root (CI runs as root) for apt-get.
set -euo pipefail

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

if ! python -c "import selenium" >/dev/null 2>&1; then
  python -m pip install -q "selenium>=4.20"
fi

/usr/bin/chromium --version
/usr/bin/chromedriver --version
