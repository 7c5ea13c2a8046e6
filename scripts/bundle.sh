#!/usr/bin/env bash
# npm run bundle [-- <output dir>]: one tarball for an offline (망분리) installation: the app and its
# production node_modules for linux-x64, built for this machine's Node major (better-sqlite3 is
# compiled against it), e.g. dist/probity-0.1.0-linux-x64-node24.tar.gz. Unpack it on a server with
# the same Node major and run `npm start`: nothing is fetched. See README, "Offline install".
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "bundle: build on linux-x64 (this is $(uname -s)-$(uname -m)): node_modules holds native code" >&2
  exit 1
fi
if [ ! -d node_modules ]; then
  echo "bundle: run npm ci first" >&2
  exit 1
fi
version=$(node -p "require('./package.json').version")
major=$(node -p "process.versions.node.split('.')[0]")
name="probity-${version}-linux-x64-node${major}"
out_dir=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
app="$stage/$name"
mkdir -p "$app"

cp -a package.json package-lock.json README.md LICENSE .env.example schedules.yaml \
  src adapters migrations content deploy examples "$app/"
# The installed tree, native modules as built here, less the dev dependencies: no registry involved.
cp -a node_modules "$app/node_modules"
(cd "$app" && npm prune --omit=dev --offline --no-audit --no-fund >/dev/null)
# Fail now rather than on the server if a native module does not load under this Node.
(cd "$app" && node -e "new (require('better-sqlite3'))(':memory:').close(); require('@napi-rs/canvas')")
printf '%s\n' "node ${major} (built with $(node --version)), linux-x64" > "$app/BUNDLE"

tar -C "$stage" -czf "$out_dir/$name.tar.gz" "$name"
echo "$out_dir/$name.tar.gz"
