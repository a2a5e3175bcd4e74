#!/usr/bin/env bash
# Installs the Debian 12 packages opentsm needs to build, test, fuzz and bench,
# skipping those already present. Safe to run repeatedly.
set -euo pipefail

pkgs=(
  cmake ninja-build make pkg-config gcc
  clang libclang-rt-14-dev     # asan+ubsan build and libFuzzer
  libssl-dev                   # OpenSSL 3: all cryptography and X.509
  libcmocka-dev                # unit tests
  libyaml-dev                  # configuration files
  libjansson-dev               # JSON output and Wycheproof vectors
  pciutils                     # lspci, to check our config space against it
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
