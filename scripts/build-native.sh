#!/usr/bin/env bash
# Builds the optional native part: native/switches/build/cgflux-switches, the BPF context-switch
# counter (docs/metrics.md, "How context switches are counted"). cgflux runs without it (it
# counts from /proc then), so a failure here is reported and is not fatal unless --strict.
# As root on Debian/Ubuntu it installs what is missing first: clang llvm libbpf-dev bpftool
# libelf-dev zlib1g-dev make gcc. The binary is static: it runs in the slim image as is.
# Usage: scripts/build-native.sh [--strict]
set -uo pipefail

STRICT=0
[ "${1:-}" = --strict ] && STRICT=1
HERE=$(cd "$(dirname "$0")/.." && pwd)
PACKAGES=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make gcc libc6-dev)

say() { printf '[build-native] %s\n' "$*"; }
give_up() {
  say "not built: $* — cgflux will count context switches from /proc"
  [ "$STRICT" = 1 ] && exit 1
  exit 0
}

if [ "$(id -u)" = 0 ] && command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
  # shellcheck source=lib/debian-packages.sh
  . "$HERE/scripts/lib/debian-packages.sh"
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    log=$(mktemp)
    if ! install_packages "$log" "${missing[@]}"; then
      tail -n 20 "$log" >&2
      rm -f "$log"
      give_up "installing the build packages failed"
    fi
    rm -f "$log"
  fi
fi
for tool in clang bpftool make cc; do
  command -v "$tool" >/dev/null || give_up "$tool is not installed (Debian: ${PACKAGES[*]})"
done

log=$(mktemp)
if make -C "$HERE/native/switches" >"$log" 2>&1; then
  rm -f "$log"
  say "built native/switches/build/cgflux-switches"
else
  tail -n 30 "$log" >&2
  rm -f "$log"
  give_up "the build failed"
fi
