#!/bin/sh
# Install headless Chromium (Debian package `chromium`) for the browser tests, unless it is already
# on PATH. Idempotent; uses sudo only when not running as root.
set -eu
if command -v chromium >/dev/null 2>&1; then
    echo "chromium already installed: $(command -v chromium)"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
command -v chromium >/dev/null 2>&1 || { echo "chromium still not on PATH after install" >&2; exit 1; }
echo "chromium installed: $(command -v chromium)"
