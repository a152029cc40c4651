#!/usr/bin/env bash
# Installs what `make run` and `make test` need and is missing: the C libraries dpds links
# against (Debian packages) and, on request, the Python test peers in .venv.
set -euo pipefail

APT_PACKAGES=(libngtcp2-dev libngtcp2-crypto-gnutls-dev libnghttp3-dev libgnutls28-dev
              libsqlite3-dev libsecp256k1-dev pkg-config)
PKGCONFIG_NAMES=(libngtcp2_crypto_gnutls libngtcp2 libnghttp3 gnutls sqlite3 libsecp256k1)
EXTRA_APT=("$@")   # extra Debian packages a caller needs (e.g. iproute2 for namespace tests)

missing=0
if ! command -v pkg-config >/dev/null 2>&1; then
  missing=1
else
  for name in "${PKGCONFIG_NAMES[@]}"; do
    pkg-config --exists "$name" || { missing=1; break; }
  done
fi
for pkg in "${EXTRA_APT[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing=1
done

[ "$missing" = 0 ] && exit 0

case "$(uname -s)" in
  Darwin)
    echo "dpds needs: brew install ngtcp2 gnutls libnghttp3 sqlite secp256k1 pkg-config" >&2
    exit 1 ;;
esac

if ! command -v apt-get >/dev/null 2>&1; then
  echo "dpds needs the Debian packages ${APT_PACKAGES[*]} (or your system's equivalent)" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing Debian packages: ${APT_PACKAGES[*]} ${EXTRA_APT[*]}" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${APT_PACKAGES[@]}" "${EXTRA_APT[@]}"
