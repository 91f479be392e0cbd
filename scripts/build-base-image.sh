#!/usr/bin/env bash
# Builds a Node base image from THIS machine's files, for hosts that cannot pull from a registry
# (docs/deploy.md, "Building without a registry"). It stands in for node:20-bookworm-slim in the
# Dockerfile (--build-arg NODE_IMAGE=cgflux-base/node:20), so it carries what both stages use:
#   - the node binary and exactly the shared libraries `ldd` lists for it (same paths),
#   - npm (the copy bundled with this machine's node), for `npm ci` / `npm prune`,
#   - busybox as /bin/sh with its applets (tar, mkdir, env …) for the Dockerfile's RUN steps,
#   - /etc/passwd and /etc/group with root, /tmp (1777) and /root.
# No CA certificates: cgflux talks to InfluxDB over plain HTTP or to certificates you mount.
# Usage: scripts/build-base-image.sh [IMAGE]   (default cgflux-base/node:20; --force rebuilds)
set -euo pipefail

IMAGE=cgflux-base/node:20
FORCE=0
for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) IMAGE=$arg ;;
  esac
done

say() { printf '[build-base-image] %s\n' "$*"; }
die() { printf '[build-base-image] error: %s\n' "$*" >&2; exit 1; }

if [ "$FORCE" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE exists (--force to rebuild)"
  exit 0
fi

node_bin=$(readlink -f "$(command -v node)") || die "node is not installed"
node_major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || say "warning: this machine's node is v$node_major, the image is tagged $IMAGE"
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")") || die "npm is not installed"
[ -f "$npm_dir/bin/npm-cli.js" ] || die "npm at $npm_dir has no bin/npm-cli.js"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox is not installed (apt-get install busybox-static)"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,usr/bin,usr/lib/node_modules,etc,tmp,root,proc,sys,dev}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"

# node and its shared libraries, at the paths the dynamic loader expects
cp "$node_bin" "$root/usr/bin/node"
while read -r lib; do
  [ -n "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done < <(ldd "$node_bin" | awk '/=> \//{print $3} $1 ~ /^\/.*ld-linux/{print $1}')

# npm, launched through a wrapper so no /usr/bin/env is needed for its shebang
cp -a "$npm_dir" "$root/usr/lib/node_modules/npm"
printf '#!/bin/sh\nexec /usr/bin/node /usr/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >"$root/usr/bin/npm"
printf '#!/bin/sh\nexec /usr/bin/node /usr/lib/node_modules/npm/bin/npx-cli.js "$@"\n' >"$root/usr/bin/npx"
chmod 755 "$root/usr/bin/npm" "$root/usr/bin/npx"

# a shell and basic tools
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
ln -s /bin/busybox "$root/usr/bin/env"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

previous=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
say "importing $(du -sh "$root" | cut -f1) as $IMAGE"
tar -C "$root" -c . | docker import \
  -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  -c 'ENV HOME=/root' \
  -c 'CMD ["node"]' \
  -m "Node $("$node_bin" --version) from $(hostname)'s files (scripts/build-base-image.sh)" \
  - "$IMAGE" >/dev/null
docker run --rm --network none "$IMAGE" node -e 'console.log("node " + process.version + " ok")'
docker run --rm --network none "$IMAGE" npm --version >/dev/null || die "npm does not run in $IMAGE"
# a rebuild leaves the previous image untagged: remove it unless something still uses it
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi
say "built $IMAGE"
