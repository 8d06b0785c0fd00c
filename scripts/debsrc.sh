#!/usr/bin/env bash
# Real programs from Debian's source packages, built once and cached outside
# the clone (tests and benchmarks source this file).
#
#   debsrc_dir PKG            unpacks PKG's source (the version apt offers for
#                             this machine's suite) and prints its directory
#   debsrc_build PKG RECIPE   runs `bash RECIPE SRC OUT` once for that source
#                             and that recipe, prints OUT; RECIPE builds into
#                             OUT/rv64/ (riscv64, for vmsim) and OUT/native/
#                             (the host's build, the reference)
#
# The cache is $VMSIM_CACHE (default ~/.cache/vmsim), keyed by the source's
# version and the recipe's hash: a new version or a changed recipe rebuilds,
# anything else is reused, so `make test` builds each program once per
# machine. Concurrent callers wait for each other (flock). Fetching needs a
# deb-src entry: when the machine has none, one is derived from its own deb
# entries (same mirrors and suites), which needs root, as CI has.
set -euo pipefail

VMSIM_CACHE="${VMSIM_CACHE:-$HOME/.cache/vmsim}"

debsrc_log() { echo "debsrc: $*" >&2; }

# Adds deb-src entries mirroring the deb ones, once.
debsrc_ensure_sources() {
    if grep -rqsE '^\s*(deb-src\s|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        debsrc_log "no deb-src entry in /etc/apt and not root: cannot fetch sources"
        return 1
    fi
    local f out=/etc/apt/sources.list.d/vmsim-deb-src.sources
    : >"$out"
    for f in /etc/apt/sources.list.d/*.sources; do
        [ "$f" = "$out" ] && continue
        grep -q 'Suites:.*bookworm' "$f" || continue
        sed -E 's/^Types:.*/Types: deb-src/' "$f" >>"$out"
        echo >>"$out"
    done
    if [ -f /etc/apt/sources.list ]; then
        sed -nE 's/^deb\s/deb-src /p' /etc/apt/sources.list >/etc/apt/sources.list.d/vmsim-deb-src.list
    fi
    apt-get update -qq
}

# The source version apt would fetch for PKG.
debsrc_version() {
    # no entry yet is not an error here: the caller adds the sources
    { apt-cache showsrc "$1" 2>/dev/null || :; } | sed -n 's/^Version: //p' | head -n 1
}

debsrc_dir() {
    local pkg=$1 ver dir
    ver=$(debsrc_version "$pkg")
    if [ -z "$ver" ]; then
        debsrc_ensure_sources
        ver=$(debsrc_version "$pkg")
    fi
    [ -n "$ver" ] || { debsrc_log "no source package $pkg"; return 1; }
    dir="$VMSIM_CACHE/src/${pkg}_$ver"
    mkdir -p "$VMSIM_CACHE/src"
    (
        flock 9
        if [ ! -e "$dir/.unpacked" ]; then
            command -v dpkg-source >/dev/null || apt-get install -y -qq dpkg-dev >/dev/null
            rm -rf "$dir" "$dir.tmp"
            mkdir -p "$dir.tmp"
            (cd "$dir.tmp" && apt-get source -qq "$pkg=$ver" >/dev/null 2>&1) ||
                { debsrc_log "apt-get source $pkg=$ver failed"; exit 1; }
            local top
            top=$(find "$dir.tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
            mv "$top" "$dir"
            rm -rf "$dir.tmp"
            touch "$dir/.unpacked"
        fi
    ) 9>"$VMSIM_CACHE/src/.${pkg}.lock" || return 1
    echo "$dir"
}

debsrc_build() {
    local pkg=$1 recipe=$2 src key out
    src=$(debsrc_dir "$pkg") || return 1
    key="$(basename "$src")-$(sha256sum "$recipe" | cut -c1-12)"
    out="$VMSIM_CACHE/build/$key"
    mkdir -p "$VMSIM_CACHE/build"
    (
        flock 9
        if [ ! -e "$out/.built" ]; then
            debsrc_log "building $pkg ($key); cached for later runs"
            rm -rf "$out"
            mkdir -p "$out/rv64" "$out/native"
            if ! bash "$recipe" "$src" "$out" >"$out/build.log" 2>&1; then
                debsrc_log "building $pkg failed; last lines of $out/build.log:"
                tail -n 30 "$out/build.log" >&2
                exit 1
            fi
            touch "$out/.built"
        fi
    ) 9>"$VMSIM_CACHE/build/.${pkg}.lock" || return 1
    echo "$out"
}
