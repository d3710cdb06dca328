#!/usr/bin/env bash
# Builds oneTBB with -fsanitize=thread from Debian's own source package (the version of the
# installed libtbb-dev), so that ThreadSanitizer sees the synchronisation of TBB's task
# hand-offs: with Debian's uninstrumented libtbb every slot written by another thread in an
# earlier parallel_for is a "race" and the TSan pass could not be a gate (issue #12).
#
#   tools/dev/tbb_tsan.sh            prints the install prefix (builds it first if needed)
#
# The build is cached in $KOCHMON_CACHE (default /var/cache/kochmon) under the package
# version, so only the first run on a machine pays for it (about 2 minutes on 2 cores); a
# changed libtbb-dev version builds anew. Needs a deb-src entry for the archive the binary
# packages come from: one is added (deb822 or one-line format) when apt has none.
set -euo pipefail
cache=${KOCHMON_CACHE:-/var/cache/kochmon}
version=$(dpkg-query -W -f='${Version}' libtbb-dev)
prefix="$cache/onetbb-tsan-$version"
log() { echo "tbb_tsan.sh: $*" >&2; }

if [[ -f $prefix/.complete ]]; then
  echo "$prefix"
  exit 0
fi

sudo_cmd=""
[[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive

# A deb-src entry for the same archive as the deb entries.
if ! grep -rqs '^\s*\(Types:.*deb-src\|deb-src\)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  log "adding deb-src entries for Debian's archive"
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      $sudo_cmd tee /etc/apt/sources.list.d/kochmon-deb-src.sources >/dev/null
  else
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
      $sudo_cmd tee /etc/apt/sources.list.d/kochmon-deb-src.list >/dev/null
  fi
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 update -qq
fi
command -v dpkg-source >/dev/null || $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
  --no-install-recommends dpkg-dev >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/onetbb-tsan.XXXXXX")
chmod 755 "$work" # apt-get source downloads as the _apt user
trap 'rm -rf "$work"' EXIT
log "fetching onetbb $version source into $work"
(cd "$work" && apt-get source -qq --download-only "onetbb=$version" >/dev/null &&
  dpkg-source -x --no-check ./*.dsc src >/dev/null)

# TBB_SANITIZE adds -fsanitize=thread to TBB's own flags; only the libraries, no tests.
log "building onetbb with -fsanitize=thread"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$prefix.tmp" -DTBB_SANITIZE=thread -DTBB_TEST=OFF \
  -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=ON -DTBB4PY_BUILD=OFF \
  --log-level=WARNING >/dev/null
cmake --build "$work/build" -j "$(nproc)" >/dev/null
rm -rf "$prefix.tmp" "$prefix"
$sudo_cmd mkdir -p "$cache"
cmake --install "$work/build" >/dev/null
# Written under a temporary name and renamed: a killed build leaves no half cache.
touch "$prefix.tmp/.complete"
mv "$prefix.tmp" "$prefix"
log "installed in $prefix"
echo "$prefix"
