"""Headless Chromium for the browser tests (Selenium + Debian's chromium and chromedriver).

    webdriver = require_browser()          # at module level: skips the module without them
    driver = start_browser(webdriver, tmp_path)

`bash .ci/install-browser.sh` installs all three.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HOW_TO_ENABLE = (
    "needs headless Chromium: `apt-get install chromium chromium-driver` and "
    "`pip install selenium` (or run `bash .ci/install-browser.sh`)"
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def require_browser() -> ModuleType:
    """`selenium.webdriver`, or skip the calling test module when anything is missing."""
    webdriver: ModuleType = pytest.importorskip("selenium.webdriver", reason=HOW_TO_ENABLE)
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip(HOW_TO_ENABLE, allow_module_level=True)
    return webdriver


def start_browser(webdriver: Any, profile_parent: Path) -> Any:
    """A headless Chromium with a fresh profile under `profile_parent`; quit() it after."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile_parent / 'chromium-profile'}"]:
        options.add_argument(flag)
    # An explicit driver path: Selenium Manager would otherwise try to download one.
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver
