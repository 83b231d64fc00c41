#!/usr/bin/env bash
# Puts Zabbix's own client programs, zabbix_sender and zabbix_get, into DIR/bin without
# installing any Zabbix package or daemon: Debian's packages are downloaded (apt-get download)
# and unpacked (dpkg-deb -x). zabbix_sender ships in zabbix-agent, zabbix_get in
# zabbix-proxy-sqlite3 (Debian 12). The tests of src/ops use them (ZABBIX_TOOLS_DIR=DIR/bin).
# Missing shared libraries are installed from Debian (library packages only).
# Usage: ops/zabbix/fetch-tools.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir/bin"
dir=$(cd "$dir" && pwd)

if [ -x "$dir/bin/zabbix_sender" ] && [ -x "$dir/bin/zabbix_get" ] && "$dir/bin/zabbix_sender" -V >/dev/null 2>&1 && "$dir/bin/zabbix_get" -V >/dev/null 2>&1; then
  echo "zabbix tools: already in $dir/bin"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! apt-cache show zabbix-agent >/dev/null 2>&1; then apt-get update -qq; fi
# apt-get download writes into the current directory; _apt must be able to write there.
chmod 0777 "$work"
(cd "$work" && apt-get download -qq zabbix-agent zabbix-proxy-sqlite3)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
cp "$work/root/usr/bin/zabbix_sender" "$work/root/usr/bin/zabbix_get" "$dir/bin/"

# Both link only libc, zlib, GnuTLS and PCRE2 (zabbix_sender); install what the machine lacks.
missing=$(ldd "$dir/bin/zabbix_sender" "$dir/bin/zabbix_get" | awk '/not found/ {print $1}' | sort -u)
if [ -n "$missing" ]; then
  echo "zabbix tools: installing libraries for: $missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libgnutls30 libpcre2-8-0 zlib1g
fi
"$dir/bin/zabbix_sender" -V | head -1
"$dir/bin/zabbix_get" -V | head -1
