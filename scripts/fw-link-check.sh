#!/usr/bin/env bash
# Checks the firmware profile's archives (firmware/CMakeLists.txt):
#  1. static allocation only: no archive member calls malloc, calloc,
#     realloc, free or any other allocator, nor a thread or stdio function;
#  2. every symbol the archives need from outside is one of the interfaces
#     the platform provides: the crypto layer (opentsm/crypto.h, x509.h), the
#     IDE hardware (opentsm/ide.h, ide_regs.h) and the C library's mem*/str*
#     (plus the compiler's stack-protector hook);
#  3. in opentsm-fw-device's link map, every member of a host library is a
#     platform piece: nothing of the device side came from the full libraries.
# usage: fw-link-check.sh SOURCE_DIR LINK_MAP ARCHIVE...
set -u
src=$1 map=$2
shift 2
fail=0

defined=$(nm -g --defined-only "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
needed=$(nm -u "$@" 2>/dev/null | awk '$1 == "U" { print $2 }' | sort -u)
external=$(comm -23 <(printf '%s\n' "$needed") <(printf '%s\n' "$defined"))
[ -n "$defined" ] || { echo "fw-link-check: no symbols in the archives"; exit 1; }

# 1. Allocation, threads, stdio, environment.
bad=$(printf '%s\n' "$external" | grep -E \
  '^(malloc|calloc|realloc|reallocarray|free|aligned_alloc|posix_memalign|memalign|valloc|strdup|strndup|pthread_.*|f?printf|v?s?n?printf|puts|fputs|fwrite|fopen|getenv|abort|exit)$')
if [ -n "$bad" ]; then
  echo "fw-link-check: FAIL: the firmware archives call:" $bad
  for s in $bad; do
    for a in "$@"; do nm -A -u "$a" 2>/dev/null | grep -w "$s" | sed 's/^/  /'; done
  done
  fail=1
else
  echo "fw-link-check: ok: no allocator, thread, stdio or environment call"
fi

# 2. Everything else from outside is a declared platform interface.
allowed=$(cat "$src"/include/opentsm/{crypto.h,x509.h,ide.h,ide_regs.h} |
  grep -oE '\bot_[a-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:](]//g' | sort -u)
libc='^(memcpy|memmove|memset|memcmp|strlen|__stack_chk_fail|__stack_chk_guard)$'
unknown=$(printf '%s\n' "$external" | grep -vE "$libc" |
  comm -23 - <(printf '%s\n' "$allowed"))
if [ -n "$unknown" ]; then
  echo "fw-link-check: FAIL: needed from outside but not a platform interface:" $unknown
  fail=1
else
  n_crypto=$(printf '%s\n' "$external" | grep -cvE "$libc")
  echo "fw-link-check: ok: $n_crypto platform functions (crypto, x509, IDE hardware), libc:" \
    $(printf '%s\n' "$external" | grep -E "$libc")
fi

# 3. The link map: host-library members must be platform pieces.
if [ -f "$map" ]; then
  host=$(sed -n '/^Archive member included/,/^Discarded input sections/p' "$map" |
    grep -oE 'libot_[a-z_]+\.a\([^)]+\)' | sort -u)
  wrong=$(printf '%s\n' "$host" | grep -E \
    'libot_(tdisp|ide_km)\.a|libot_spdm\.a\((responder|codec|session|secured|key_schedule|transcript|negotiate|identity\.|identity_meas|measurement|doe_binding)|libot_doe\.a\((responder|object|discovery|mailbox)|libot_base\.a\((cursor|secure|status)')
  if [ -n "$wrong" ]; then
    echo "fw-link-check: FAIL: device-side members linked from the full libraries:" $wrong
    fail=1
  else
    echo "fw-link-check: ok: host members in opentsm-fw-device are platform only:" \
      $(printf '%s\n' "$host" | sed 's/.*libot_\([a-z_]*\)\.a(\([^)]*\)\.c\.o)/\1\/\2/' | tr '\n' ' ')
  fi
else
  echo "fw-link-check: FAIL: no link map at $map"
  fail=1
fi
exit $fail
