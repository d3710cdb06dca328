#!/usr/bin/env bash
# Installs kochmon's build dependencies from Debian's archive (idempotent) and configures +
# builds the chosen preset. Usage: tools/setup.sh [preset] [target...]   (default: release, all)
# Targets limit the build (tools/run_base.sh builds only the CLI and the Python module, not the
# tests and benchmarks). KOCHMON_EXTRA_PACKAGES adds packages (tools/test.sh uses it for the
# test-only tools).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-release}"
targets=("${@:2}")

packages=(
  build-essential cmake ninja-build git pkg-config
  libboost-dev libtbb-dev libyaml-cpp-dev libhdf5-dev hdf5-tools
  libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev librandom123-dev
  libgtest-dev libgmock-dev libbenchmark-dev libeigen3-dev
  python3-h5py python3-numpy python3-pandas python3-matplotlib python3-yaml
  pybind11-dev python3-pybind11 python3-dev python3-xarray python3-pytest
  python3-nbclient python3-nbformat python3-ipykernel
  libopenmpi-dev openmpi-bin
)
# shellcheck disable=SC2206
packages+=(${KOCHMON_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 update -qq
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$here"
cmake --preset "$preset" >/dev/null
if ((${#targets[@]})); then
  cmake --build --preset "$preset" -j "$(nproc)" --target "${targets[@]}"
else
  cmake --build --preset "$preset" -j "$(nproc)"
fi
