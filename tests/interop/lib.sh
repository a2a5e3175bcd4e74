# shellcheck shell=bash
# Library of the live interop suite (tests/interop/interop.sh): a working
# directory per case, peers started under a time bound on a free loopback
# port, killed by pid, every wait bounded, logs kept on failure.
#
# Needs bash, coreutils (timeout, mktemp, sha256sum/sha384sum, od), awk, sed
# and grep: what a Debian 12 system with scripts/deps.sh has.
#
# Environment: OPENTSM (our binary), OPENTSM_PEERS (the DMTF peers folder,
# see its README.md; OPENTSM_PEERS_DEFAULT when unset), OPENTSM_IT_PORT_BASE
# and OPENTSM_IT_PORT_SPAN (optional: the loopback ports the cases may use,
# BASE..BASE+SPAN-1; by default 10000..31999 and the kernel's choice for
# opentsm device).

IT_SKIP=77            # ctest SKIP_RETURN_CODE: the peers are not there
IT_PEER_SECONDS=60    # a peer never outlives this (timeout(1) ends it)
IT_WAIT_TENTHS=100    # 10 s for a peer to listen
IT_PORT_TRIES=20      # ports tried before giving up
IT_PIDS=()            # pids of the timeout(1) wrappers we started
IT_FAILS=0
IT_DIR=
IT_KEEP=

it_log() { printf '%s: %s\n' "$IT_CASE" "$*"; }

# Records a failed check (the case goes on, so that one run shows every failure).
it_fail() {
  IT_FAILS=$((IT_FAILS + 1))
  printf '%s: FAIL: %s\n' "$IT_CASE" "$*"
}
it_pass() { printf '%s: ok: %s\n' "$IT_CASE" "$*"; }

# Checks a condition given as a command; message on failure.
it_check() { # message command...
  local what=$1
  shift
  if "$@"; then it_pass "$what"; else it_fail "$what"; fi
}

# Stops every peer we started: TERM to its timeout(1) wrapper (which passes it
# on), then KILL after a bounded wait. Only our own pids.
it_stop_all() {
  local p i
  for p in "${IT_PIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null || continue
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  IT_PIDS=()
}

# Removes the case's directory on success; keeps it (and shows where, with
# the tail of each log) on failure.
it_cleanup() {
  local rc=$?
  it_stop_all
  [ -n "$IT_DIR" ] || exit "$rc"
  if [ "$rc" -eq 0 ] && [ "$IT_FAILS" -eq 0 ] && [ -z "$IT_KEEP" ]; then
    chmod -R u+w "$IT_DIR" 2>/dev/null
    rm -rf "$IT_DIR"
  else
    local f
    printf '%s: logs kept in %s\n' "$IT_CASE" "$IT_DIR"
    for f in "$IT_DIR"/*.log "$IT_DIR"/*.out; do
      [ -s "$f" ] || continue
      if grep -qiE 'error|fail|refused' "$f"; then
        printf -- '--- first errors in %s\n' "$f"
        grep -iE -m 5 'error|fail|refused' "$f" | cut -c1-300
      fi
      printf -- '--- tail of %s\n' "$f"
      tail -n 6 "$f" | cut -c1-300
    done
  fi
  exit "$rc"
}

# Finds the peers and our binary, makes the case's directory with a copy of
# keys/ (the peers read keys by relative path), sets the exit trap.
it_init() { # case-name
  IT_CASE=$1
  OPENTSM_PEERS=${OPENTSM_PEERS:-${OPENTSM_PEERS_DEFAULT:-}}
  if [ -z "${OPENTSM_PEERS:-}" ] || [ ! -x "$OPENTSM_PEERS/bin/spdm_responder_emu" ]; then
    echo "$IT_CASE: skipped: no DMTF peers at '${OPENTSM_PEERS:-}' (set OPENTSM_PEERS)"
    exit "$IT_SKIP"
  fi
  [ -x "${OPENTSM:-}" ] || { echo "$IT_CASE: FAIL: no opentsm binary at '${OPENTSM:-}'"; exit 1; }
  IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/opentsm-interop-$IT_CASE.XXXXXX") || exit 1
  trap it_cleanup EXIT
  trap 'exit 1' INT TERM
  cp -r "$OPENTSM_PEERS/keys/." "$IT_DIR/" || { echo "$IT_CASE: FAIL: cannot copy keys"; exit 1; }
  chmod -R u+w "$IT_DIR"
  cd "$IT_DIR" || exit 1
}

# Runs a peer in the background, in the case directory, with the TCP_NODELAY
# shim preloaded on the peer alone, bounded by timeout(1). Sets IT_LAST_PID.
it_spawn_peer() { # log-file program args...
  local log=$1
  shift
  timeout --kill-after=5 "$IT_PEER_SECONDS" \
    env LD_PRELOAD="$OPENTSM_PEERS/tools/nodelay.so" "$@" >"$log" 2>&1 &
  IT_LAST_PID=$!
  IT_PIDS+=("$IT_LAST_PID")
}

# Runs a peer in the foreground under the shim and a time bound; returns its exit code.
it_run_peer() { # seconds log-file program args...
  local secs=$1 log=$2
  shift 2
  timeout --kill-after=5 "$secs" env LD_PRELOAD="$OPENTSM_PEERS/tools/nodelay.so" "$@" >"$log" 2>&1
}

# Runs our binary in the foreground, bounded; returns its exit code.
it_run_ours() { # seconds log-file args...
  local secs=$1 log=$2
  shift 2
  timeout --kill-after=5 "$secs" "$OPENTSM" "$@" >"$log" 2>&1
}

# The process timeout(1) runs for us (its only child): from the kernel's
# children list, else by scanning every process's parent (field 4 of stat).
it_child_of() { # pid
  local c f
  if [ -r "/proc/$1/task/$1/children" ]; then
    c=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
    echo "${c%% *}"
    return
  fi
  for f in /proc/[0-9]*/stat; do
    read -r c _ _ ppid _ <"$f" 2>/dev/null || continue
    [ "$ppid" = "$1" ] && { echo "$c"; return; }
  done
}

# The inode of the socket listening on 127.0.0.1:port (IPv4), empty if none.
it_listen_inode() { # port
  awk -v p="$(printf '%04X' "$1")" \
    '$4 == "0A" && $2 == "0100007F:" p { print $10; exit }' /proc/net/tcp
}

# True if pid holds the socket with this inode.
it_owns_socket() { # pid inode
  local fd
  for fd in /proc/"$1"/fd/*; do
    [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$2]" ] && return 0
  done
  return 1
}

# A port nobody uses on this machine now (any state, IPv4 or IPv6), below the
# ephemeral range; the caller still handles losing a race for it.
it_pick_port() {
  local p i
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    p=$((${OPENTSM_IT_PORT_BASE:-10000} + (RANDOM * 32768 + RANDOM) % ${OPENTSM_IT_PORT_SPAN:-22000}))
    if ! awk -v p="$(printf ':%04X' "$p")" 'NR > 1 && substr($2, length($2) - 4) == p { f = 1 }
         END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# Starts spdm_responder_emu on a free port: picks one, starts the peer, waits
# (bounded) until the peer itself listens there; if it lost the port (bind
# error, exit), tries another. Sets IT_PORT and IT_RSP_PID.
it_start_responder_emu() { # log-file responder-args...
  local log=$1 try t inode child
  shift
  for ((try = 1; try <= IT_PORT_TRIES; try++)); do
    IT_PORT=$(it_pick_port) || { it_fail "no free port"; return 1; }
    it_spawn_peer "$log" "$OPENTSM_PEERS/bin/spdm_responder_emu" --trans PCI_DOE \
      --ip 127.0.0.1 --port "$IT_PORT" "$@"
    IT_RSP_PID=$IT_LAST_PID
    for ((t = 0; t < IT_WAIT_TENTHS; t++)); do
      kill -0 "$IT_RSP_PID" 2>/dev/null || break
      inode=$(it_listen_inode "$IT_PORT")
      child=$(it_child_of "$IT_RSP_PID")
      if [ -n "$inode" ] && [ -n "$child" ] && it_owns_socket "$child" "$inode"; then
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$IT_RSP_PID" 2>/dev/null; then
      it_fail "spdm_responder_emu did not listen on port $IT_PORT within $((IT_WAIT_TENTHS / 10)) s"
      return 1
    fi
    wait "$IT_RSP_PID" 2>/dev/null
    grep -q "Bind error" "$log" || { it_fail "spdm_responder_emu exited at start"; return 1; }
    it_log "port $IT_PORT taken, trying another"
  done
  it_fail "no port after $IT_PORT_TRIES tries"
  return 1
}

# Starts `opentsm device --listen 127.0.0.1:0`: the kernel picks the port and
# the device prints it ("listening on 127.0.0.1:PORT"), so there is no race.
# Sets IT_PORT and IT_DEV_PID.
it_start_device() { # log-file device-args...
  local log=$1 t listen=0
  shift
  # With OPENTSM_IT_PORT_BASE set, every port stays in that range.
  if [ -n "${OPENTSM_IT_PORT_BASE:-}" ]; then
    listen=$(it_pick_port) || { it_fail "no free port"; return 1; }
  fi
  # $OPENTSM_DEVICE: another binary that serves `device` (the firmware profile's).
  timeout --kill-after=5 "$IT_PEER_SECONDS" "${OPENTSM_DEVICE:-$OPENTSM}" device --listen "127.0.0.1:$listen" "$@" \
    >"$log" 2>&1 &
  IT_DEV_PID=$!
  IT_PIDS+=("$IT_DEV_PID")
  for ((t = 0; t < IT_WAIT_TENTHS; t++)); do
    IT_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$log" 2>/dev/null)
    [ -n "$IT_PORT" ] && return 0
    kill -0 "$IT_DEV_PID" 2>/dev/null || break
    sleep 0.1
  done
  it_fail "opentsm device did not start (see $log)"
  return 1
}

# Waits (bounded) for a background process of ours to exit; its exit code.
it_wait_exit() { # pid seconds
  local pid=$1 t
  for ((t = 0; t < $2 * 10; t++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    return 124
  fi
  wait "$pid"
}

# ---- captures ---------------------------------------------------------------------

# Number of records in a pcap file (walks the record headers of a
# little-endian file in one pass; fails if the last record is cut short).
it_pcap_records() { # file
  od -An -v -tu1 -w1 "$1" | awk '
    { b[NR - 1] = $1 + 0 }
    END {
      off = 24; n = 0
      while (off + 16 <= NR) {
        incl = b[off + 8] + 256 * (b[off + 9] + 256 * (b[off + 10] + 256 * b[off + 11]))
        off += 16 + incl; n++
      }
      if (off != NR || NR < 24) exit 1
      print n
    }'
}

# The snaplen field of a pcap global header.
it_pcap_snaplen() { od -An -tu4 -j 16 -N 4 "$1" | tr -d ' '; }

# Decodes a capture with spdm_dump (-d: application messages too) and the
# given DHE secrets into OUT. Returns spdm_dump's exit code.
it_dump() { # pcap out secret...
  local pcap=$1 out=$2 s
  shift 2
  local args=()
  for s in "$@"; do args+=(--dhe_secret "$s"); done
  # PSK sessions: spdm_dump derives their keys from the PSK (IT_PSK, hex).
  [ -n "${IT_PSK:-}" ] && args+=(--psk "$IT_PSK")
  timeout 30 "$OPENTSM_PEERS/bin/spdm_dump" -r "$pcap" -d "${args[@]}" >"$out" 2>&1
}

# The record lines of a dump: "N (ts) PCI_DOE(v, t) ...".
it_dump_records() { grep -E '^[0-9]+ \([0-9]+\) ' "$1"; }

# Checks that spdm_dump read the whole capture: its header line, one line per
# record, nothing refused.
it_check_dump_complete() { # pcap dump label
  local pcap=$1 dump=$2 what=$3 n m
  if ! grep -q '^PcapFile: .*DataLink - 292 (PCI_DOE)' "$dump"; then
    it_fail "$what: spdm_dump refused the capture: $(grep -m1 -E '!!!|invalid' "$dump")"
    return
  fi
  n=$(it_pcap_records "$pcap") || { it_fail "$what: capture is not a sequence of records"; return; }
  m=$(it_dump_records "$dump" | wc -l)
  [ "$n" -gt 0 ] && [ "$n" -eq "$m" ] && it_pass "$what: spdm_dump decoded all $n records" ||
    it_fail "$what: $n records in the file, spdm_dump showed $m"
}

# Checks that every secured message was decrypted: spdm_dump shows one it
# cannot decrypt as "(?)->(?) SecuredSPDM(id) <Unknown>".
it_check_dump_decrypted() { # dump label
  local bad
  bad=$(it_dump_records "$1" | grep -c 'SecuredSPDM(0x[0-9a-f]*) <Unknown>\|(?)->(?)')
  if [ "$bad" -eq 0 ]; then
    it_pass "$2: every secured message decrypted ($(grep -c 'SecuredSPDM' "$1") secured)"
  else
    it_fail "$2: $bad secured messages not decrypted, first: $(it_dump_records "$1" |
      grep -m1 'SecuredSPDM(0x[0-9a-f]*) <Unknown>\|(?)->(?)' | cut -c1-160)"
  fi
}

# The debug spdm_requester_emu (bounded: SECONDS) against our device at
# IT_PORT with ARGS (no --ip/--port/--pcap): log requester.log, capture
# requester.pcap. Waits for the device to end (the requester's SHUTDOWN),
# sets REQ_SECRETS from its [DHE Secret] lines, decodes the capture into DUMP
# and checks it is whole and decrypted. Returns the requester's exit code
# (which does not tell success: judge the dump).
it_requester_emu_dump() { # seconds dump args...
  local secs=$1 d=$2 rc
  shift 2
  it_run_peer "$secs" requester.log "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" \
    --ip 127.0.0.1 --port "$IT_PORT" --pcap requester.pcap "$@"
  rc=$?
  [ "$rc" -eq 124 ] && it_fail "spdm_requester_emu did not finish within $secs s"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  REQ_SECRETS=$(sed -n 's/.*\[DHE Secret\]: *\([0-9a-fA-F][0-9a-fA-F]*\).*/\1/p' requester.log)
  # shellcheck disable=SC2086
  it_dump requester.pcap "$d" $REQ_SECRETS || it_fail "spdm_dump exit $?"
  it_check_dump_complete requester.pcap "$d" "capture"
  it_check_dump_decrypted "$d" "capture"
  return "$rc"
}

# Checks that spdm_dump decoded every record it could read: a record line
# that ends at "PCI_DOE(v, t)" (an object it did not take), with a message
# name and no fields (a message too short for its format: spdm_dump prints
# the name and stops), or with "<Unknown>" outside an undecryptable secured
# message (an unknown message code) is a decode failure.
it_check_dump_decoded() { # dump label
  local bad
  bad=$(it_dump_records "$1" | grep -v '(?)->(?)' |
    grep -E 'PCI_DOE\([0-9]+, [0-9]+\) *$|[A-Z][A-Z_]*_[A-Z_]+ *$|<Unknown> *$')
  if [ -z "$bad" ]; then
    it_pass "$2: every record decoded"
  else
    it_fail "$2: $(printf '%s\n' "$bad" | grep -c .) records not decoded, first: $(printf '%s\n' "$bad" |
      head -n 1 | cut -c1-160)"
  fi
}

# Finishes a case: exit 1 if any check failed.
it_done() {
  if [ "$IT_FAILS" -eq 0 ]; then
    it_log "passed"
    exit 0
  fi
  it_log "$IT_FAILS check(s) failed"
  exit 1
}
