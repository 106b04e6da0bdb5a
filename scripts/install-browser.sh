#!/usr/bin/env bash
# Installs Debian's headless browser for the report pages' tests: chromium and chromium-driver.
# Idempotent: does nothing when both are present. Needs root (apt-get); otherwise says what to run.
# Exit 0 when the browser is there afterwards, 1 when it could not be installed.
set -uo pipefail

have() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }

if have; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-browser: chromium/chromedriver missing and not root; run: sudo apt-get install chromium chromium-driver" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get on this machine; install Chromium and its chromedriver by hand" >&2
  exit 1
fi
echo "install-browser: installing chromium and chromium-driver (Debian packages)..." >&2
# other processes may hold the dpkg lock: wait for it rather than fail
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || true
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium chromium-driver >&2
if have; then
  echo "install-browser: $(chromium --version 2>/dev/null)" >&2
  exit 0
fi
echo "install-browser: the installation did not give chromium and chromedriver" >&2
exit 1
