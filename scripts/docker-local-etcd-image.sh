#!/usr/bin/env bash
# docker-local-etcd-image.sh - a Docker engine plus an etcd image, with no image registry.
#
# Why: on this machine no image registry is reachable (no Docker Hub, no quay.io), so the
# etcd image that compose.yml and Testcontainers would normally pull cannot be had. Debian's
# packages are reachable, so this script installs Debian's docker.io when dockerd is missing,
# starts dockerd if none answers (there is no systemd here), and makes an image with `docker import`
# from the same etcd binary the process backend uses - nothing is pulled. That binary is
# ETCD_BINARY, else the project's .etcd/bin/etcd (scripts/install-etcd.sh fetches it: etcd 3.5),
# else the PATH's; etcdctl is the one next to it.
#
# Usage:
#   scripts/docker-local-etcd-image.sh [TAG]        # TAG defaults to etcd-local:VERSION, e.g. etcd-local:3.5.30
#   ETCD_IMAGE=$(scripts/docker-local-etcd-image.sh | tail -n 1)
#   ETCD_BINARY=.etcd/bookworm/usr/bin/etcd scripts/docker-local-etcd-image.sh   # etcd-local:3.4.23
#
# The last line printed on stdout is the tag; progress goes to stderr. Running it again is
# fine: a working engine is left alone, and the image is rebuilt only when the Debian
# binaries changed (FORCE=1 rebuilds anyway).
#
# Environment:
#   DOCKERD_FLAGS  extra dockerd flags (default none: the defaults - overlay2, the docker0
#                  bridge, iptables - work here, and so does publishing ports on 127.0.0.1)
#   DOCKERD_LOG    dockerd's log   (default /tmp/dockerd.log)
#   DOCKERD_PID    dockerd's PID   (default /tmp/dockerd.pid)
#   FORCE=1        rebuild the image even if it is up to date
#
# A dockerd this script starts is left running; stop it with: kill "$(cat /tmp/dockerd.pid)"
#
# The image holds /usr/local/bin/etcd and /usr/local/bin/etcdctl, the shared libraries they
# load, and empty /tmp and /var/lib/etcd; CMD is /usr/local/bin/etcd, ports 2379 and 2380.
# It has NO shell: a shell-form healthcheck (docker run --health-cmd, HEALTHCHECK CMD-SHELL)
# fails with "stat /bin/sh: no such file", and so does Testcontainers' default wait strategy
# (HostPortWaitStrategy execs /bin/sh inside the container). Use the exec form instead,
# e.g. ["CMD","/usr/local/bin/etcdctl","endpoint","health"], or wait from outside
# (HTTP GET /health on the mapped client port, or the "ready to serve client requests" log line).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
DOCKERD_PID="${DOCKERD_PID:-/tmp/dockerd.pid}"
DOCKERD_FLAGS="${DOCKERD_FLAGS:-}"
READY_TIMEOUT=60

log() { printf '%s\n' "docker-local-etcd-image: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- 1. packages ------------------------------------------------------------------------
if ! command -v dockerd >/dev/null 2>&1; then
    log "installing docker.io"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >&2
fi
command -v docker >/dev/null 2>&1 || die "no docker CLI on the PATH after installing docker.io"
bash "$here/install-etcd.sh" >/dev/null
# shellcheck source=lib/local-etcd.sh
. "$here/lib/local-etcd.sh"
[ -n "$LOCAL_ETCD_BIN" ] && [ -n "$LOCAL_ETCDCTL_BIN" ] || die "no etcd and etcdctl binaries (scripts/install-etcd.sh, or ETCD_BINARY)"
ETCD_BIN="$(readlink -f "$LOCAL_ETCD_BIN")"
ETCDCTL_BIN="$(readlink -f "$LOCAL_ETCDCTL_BIN")"
version="$("$ETCD_BIN" --version 2>/dev/null | awk '/^etcd Version:/ { print $3 }')"
TAG="${1:-etcd-local:${version:-unknown}}"

# --- 2. engine --------------------------------------------------------------------------
docker_ok() { docker info >/dev/null 2>&1; }

if docker_ok; then
    log "docker engine already answers"
else
    pid=""
    [ -s "$DOCKERD_PID" ] && pid="$(cat "$DOCKERD_PID")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null; then
        log "dockerd (PID $pid) is running but not answering yet; waiting for it"
    else
        log "starting dockerd ${DOCKERD_FLAGS:+($DOCKERD_FLAGS) }- log $DOCKERD_LOG, PID file $DOCKERD_PID"
        # setsid: own session, so it outlives this script and whatever process group ran it.
        # (A background child of a script is no group leader, so setsid and nohup just exec:
        # $! is dockerd itself when we are root.)
        sudo=()
        [ "$(id -u)" -eq 0 ] || sudo=(sudo)
        # shellcheck disable=SC2086  # DOCKERD_FLAGS is a list of words on purpose
        "${sudo[@]}" setsid nohup dockerd $DOCKERD_FLAGS >"$DOCKERD_LOG" 2>&1 </dev/null &
        pid=$!
        echo "$pid" >"$DOCKERD_PID"
    fi
    deadline=$((SECONDS + READY_TIMEOUT))
    until docker_ok; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$DOCKERD_LOG" >&2 || true
            die "dockerd exited; see $DOCKERD_LOG (try DOCKERD_FLAGS='--iptables=false --ip6tables=false --storage-driver=vfs')"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 20 "$DOCKERD_LOG" >&2 || true
            die "docker info still failing after ${READY_TIMEOUT}s; see $DOCKERD_LOG"
        fi
        sleep 1
    done
    # dockerd's own PID file is the authority (under sudo, $! is sudo's PID).
    if [ -s /var/run/docker.pid ]; then
        pid="$(cat /var/run/docker.pid)"
        echo "$pid" >"$DOCKERD_PID"
    fi
    log "dockerd ready (PID $pid)"
fi

# --- 3. image ---------------------------------------------------------------------------
BINARIES=("$ETCD_BIN" "$ETCDCTL_BIN")

# The shared libraries the binaries load (libc and the dynamic loader, as of Debian 12).
libs() {
    ldd "$@" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u
}
mapfile -t LIBS < <(libs "${BINARIES[@]}")
[ "${#LIBS[@]}" -gt 0 ] || die "ldd found no libraries for ${BINARIES[*]}"

# What the image is made of; stored as a label so a second run can skip the rebuild.
SOURCE_SUM="$(
    { sha256sum "${BINARIES[@]}"; for l in "${LIBS[@]}"; do printf '%s ' "$l"; sha256sum <"$(readlink -f "$l")"; done; } \
        | sha256sum | cut -d' ' -f1
)"
LABEL_KEY=dev.etcdpoc.source-sha256

current="$(docker image inspect -f "{{ index .Config.Labels \"$LABEL_KEY\" }}" "$TAG" 2>/dev/null || true)"
if [ "${FORCE:-0}" != 1 ] && [ "$current" = "$SOURCE_SUM" ]; then
    log "image $TAG is up to date"
else
    old_id="$(docker image inspect -f '{{.Id}}' "$TAG" 2>/dev/null || true)"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    root="$work/root"
    mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/var/lib/etcd" "$root/etc"
    chmod 1777 "$root/tmp"
    cp "$ETCD_BIN" "$root/usr/local/bin/etcd"
    cp "$ETCDCTL_BIN" "$root/usr/local/bin/etcdctl"
    for l in "${LIBS[@]}"; do
        mkdir -p "$root$(dirname "$l")"
        cp -L "$l" "$root$l"          # -L: the file itself, not the symlink
    done
    # Go's resolver reads this; "files dns" is also its default when the file is absent.
    printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
    tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$work/rootfs.tar" .
    log "importing $TAG (etcd ${version:-?} from $ETCD_BIN, libraries: ${LIBS[*]})"
    docker import \
        --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
        --change 'EXPOSE 2379 2380' \
        --change "LABEL $LABEL_KEY=$SOURCE_SUM" \
        --change "LABEL org.opencontainers.image.version=${version:-unknown}" \
        --change 'CMD ["/usr/local/bin/etcd"]' \
        "$work/rootfs.tar" "$TAG" >/dev/null
    # Drop the image this tag pointed to before, unless something else still uses it.
    new_id="$(docker image inspect -f '{{.Id}}' "$TAG")"
    if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
        docker rmi "$old_id" >/dev/null 2>&1 || true
    fi
fi

# Smoke test: the binaries start inside the image (no network, no shell needed).
docker run --rm --network none "$TAG" /usr/local/bin/etcd --version >/dev/null \
    || die "image $TAG is broken: etcd --version failed inside it"

echo "$TAG"
