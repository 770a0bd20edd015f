#!/usr/bin/env bash
# Builds, once and cached, the nats-server releases operators run and the real `nats` CLI, from their Go
# modules, and prints where each binary is: one line per binary, "<name> <version> <path>".
#
#   scripts/servers.sh            build what is missing, print the matrix
#   scripts/servers.sh --list     print only what is already built (no network, no Go needed)
#
# The newest patch of every minor line from 2.10 up to the newest the module proxy serves is chosen at build
# time; NATS_DR_SERVER_LINES="2.10 2.12" narrows it. Debian's nats-server (2.9.10, the oldest supported) is not
# built here: it is whatever `nats-server` is on the PATH. Cache: $NATS_DR_BIN_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/nats-dr/bin), one directory per version so versions never overwrite each other.
set -euo pipefail

cache="${NATS_DR_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nats-dr/bin}"
server_module=github.com/nats-io/nats-server/v2
cli_module=github.com/nats-io/natscli
# natscli v0.5.0: the release the compatibility table was recorded with (v0.5.1, the newest on the proxy, builds
# too; NATS_DR_NATSCLI_VERSION=v0.5.1 runs the suite with it). Its jsm.go (v0.5.0) names a 2.15 server's archive stream.arc.s2 (NATSARC1) and older ones' stream.tar.s2, and
# reads both; older CLI releases only ever write stream.tar.s2, which nats-dr reads whatever its content, so one
# release is enough.
cli_version="${NATS_DR_NATSCLI_VERSION:-v0.5.0}"

list_only=0
[ "${1:-}" = "--list" ] && list_only=1

print_built() {
  local dir
  for dir in "$cache"/nats-server-v*; do
    [ -x "$dir/nats-server" ] && echo "nats-server ${dir##*/nats-server-} $dir/nats-server"
  done
  for dir in "$cache"/natscli-v*; do
    [ -x "$dir/nats" ] && echo "nats ${dir##*/natscli-} $dir/nats"
  done
  return 0
}

if [ "$list_only" = 1 ]; then
  print_built | sort -V -k2
  exit 0
fi

command -v go >/dev/null || { echo "servers.sh: Go is needed to build the matrix (go install); it is not on the PATH" >&2; exit 1; }

newest_per_line() {
  go list -m -versions "$server_module" | tr ' ' '\n' | grep -E '^v2\.[0-9]+\.[0-9]+$' |
    awk -F. '{ minor = $2 + 0; if (minor >= 10) print }' | sort -V |
    awk -F. '{ last[$1"."$2] = $0 } END { for (k in last) print last[k] }' | sort -V
}

build() { # module@version binary-name target-dir
  local spec=$1 bin=$2 dir=$3 started
  [ -x "$dir/$bin" ] && return 0
  started=$(date +%s)
  mkdir -p "$dir.tmp"
  # CGO off: static binaries, and no C toolchain needed. The temporary directory keeps a killed build from
  # leaving a half-written binary that a later run would take as built.
  if ! CGO_ENABLED=0 GOBIN="$dir.tmp" GOFLAGS=-buildvcs=false go install "$spec" >&2; then
    rm -rf "$dir.tmp"
    echo "servers.sh: could not build $spec" >&2
    return 1
  fi
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
  echo "servers.sh: built $spec in $(($(date +%s) - started)) s" >&2
}

mkdir -p "$cache"
versions=$(newest_per_line)
if [ -n "${NATS_DR_SERVER_LINES:-}" ]; then
  wanted=""
  for line in $NATS_DR_SERVER_LINES; do
    wanted+=$(echo "$versions" | grep -E "^v${line//./\\.}\." || true)$'\n'
  done
  versions=$wanted
fi
failed=0
for version in $versions; do
  build "$server_module@$version" nats-server "$cache/nats-server-$version" || failed=1
done
build "$cli_module/nats@$cli_version" nats "$cache/natscli-$cli_version" || failed=1

for version in $versions; do echo "nats-server $version $cache/nats-server-$version/nats-server"; done
echo "nats $cli_version $cache/natscli-$cli_version/nats"
exit $failed
