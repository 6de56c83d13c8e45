#!/usr/bin/env bash
# System packages the test suite needs: Debian's chromium (the browser tests drive it
# through Playwright; no browser download) and a Java runtime for PySpark.
# Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
# fonts so that charts and screenshots render text
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system-deps: need root to install: ${need[*]}" >&2; exit 1
  fi
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
