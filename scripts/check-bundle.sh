#!/usr/bin/env bash
# Proves an offline bundle: unpacks it into a fresh folder and starts it with no network at all (a
# network namespace of its own, loopback only), npm told to stay offline with an empty cache; passes
# when /readyz answers 200. Usage: scripts/check-bundle.sh dist/probity-…tar.gz
set -euo pipefail
bundle=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$bundle"
app=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'probity-*' | head -n 1)
port=18181

# A network namespace of its own (loopback only) where the kernel allows one; otherwise (a container
# without the privilege) npm and any proxy-aware client are pointed at a closed local port instead.
if unshare -rn true 2>/dev/null; then
  isolate=(unshare -rn)
  lo_up='ip link set lo up'
else
  echo "check-bundle: no network namespace here; blocking the registry through npm settings and a dead proxy" >&2
  isolate=()
  lo_up=':'
fi

# npm offline with an empty cache and a dead registry URL.
"${isolate[@]}" env -i PATH="$PATH" HOME="$work/home" NODE_ENV=production LO_UP="$lo_up" \
  HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost \
  npm_config_offline=true npm_config_cache="$work/empty-cache" npm_config_registry=http://127.0.0.1:9/ \
  DATABASE_URL="sqlite:$work/data/probity.sqlite" PROBITY_HTTP_PORT="$port" PROBITY_HTTP_HOST=127.0.0.1 \
  APP="$app" PORT="$port" bash -c '
    set -euo pipefail
    $LO_UP
    cd "$APP"
    set -m # the background job gets a process group of its own, stopped as one below
    # Console mode keeps running while its input is open.
    (tail -f /dev/null | npm start >"$HOME.log" 2>&1) &
    job=$!
    trap "kill -TERM -- -$job 2>/dev/null || true" EXIT
    for _ in $(seq 1 90); do
      if body=$(node -e "fetch(\"http://127.0.0.1:$PORT/readyz\").then(async (r) => { if (!r.ok) process.exit(1); console.log(await r.text()); }, () => process.exit(1))"); then
        echo "readyz: $body"
        exit 0
      fi
      sleep 1
    done
    echo "readyz never answered 200; the start said:" >&2
    cat "$HOME.log" >&2
    exit 1
  '
