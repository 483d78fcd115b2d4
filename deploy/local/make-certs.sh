#!/usr/bin/env bash
# Makes a local certificate authority and one certificate per name, for
# mutual TLS between hpedu services on one machine (up.sh) and in tests.
#
#   deploy/local/make-certs.sh DIR NAME...
#
# DIR/ca.pem and DIR/ca.key are made once and reused; DIR/NAME.pem and
# DIR/NAME.key are made for each NAME that lacks them. Every certificate is
# valid as server and as client, for DNS:NAME, DNS:localhost and IP:127.0.0.1;
# its subject CN is NAME, which services see as the caller's identity.
# Local use only: the CA key sits next to the certificates.
set -euo pipefail
dir=$1; shift
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 825 \
    -subj "/O=hpedu local/CN=hpedu local CA" 2>/dev/null
fi
for name in "$@"; do
  [ -f "$dir/$name.pem" ] && continue
  cat >"$dir/$name.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1
EXT
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" \
    -subj "/O=hpedu local/CN=$name" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -out "$dir/$name.pem" -days 825 \
    -extfile "$dir/$name.ext" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
done
chmod 644 "$dir"/*.pem
