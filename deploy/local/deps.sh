#!/usr/bin/env bash
# Installs the Debian 12 packages hpedu needs to build, test and run, if any
# are missing. Used by deploy/local/up.sh and tests/run.sh. Needs root or
# sudo only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  grpc-proto libabsl-dev libpqxx-dev libpq-dev libicu-dev
  nlohmann-json3-dev libjwt-dev libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15 tzdata openssl libxlsxwriter-dev unzip
  libcpp-httplib-dev prometheus-cpp-dev nodejs chromium prometheus
  libcurl4-openssl-dev python3-aiosmtpd
)
# The dashboard is built with npm (Debian 12: nodejs 18, npm 9). A machine
# whose nodejs comes with its own npm (NodeSource) must not get Debian's.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Cài đặt gói còn thiếu / installing missing packages: ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
# The postgresql-15 package would start a system cluster; hpedu runs its own
# throwaway cluster instead, so keep the package from starting one.
"${as_root[@]}" mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | "${as_root[@]}" tee /etc/postgresql-common/createcluster.d/hpedu.conf >/dev/null
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
