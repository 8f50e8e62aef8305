#!/usr/bin/env bash
# make images: builds microseg-silo and microseg-agent (deploy/docker/*.Dockerfile) where no registry serves base
# images. The base images are made here: Debian 12 with debootstrap from this host's apt mirror, and .NET 10 and
# Node.js images from this host's own SDK and node. Needs a running Docker daemon (DOCKER_HOST), debootstrap and
# root; the builds reach NuGet, npm and Debian as `make build` does (host network, so no bridge is needed).
set -euo pipefail
cd "$(dirname "$0")/../../.."
DOCKER=${DOCKER:-docker}
LOCAL=${LOCAL_IMAGE_PREFIX:-microseg-local}
TAG=${IMAGE_TAG:-latest}
export DOCKER_BUILDKIT=0 # the classic builder ships with Debian's docker.io; BuildKit needs the separate buildx

if ! "$DOCKER" version >/dev/null 2>&1; then
    echo "make images: no Docker daemon answers at ${DOCKER_HOST:-the default socket}; start one (docs/operations.md, \"Building the images\")" >&2
    exit 1
fi
have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
build() { "$DOCKER" build --network host "$@"; }

if ! have "$LOCAL/debian:bookworm"; then
    command -v debootstrap >/dev/null || { echo "make images: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
    # The mirror this host's apt already uses, so nothing here names a registry.
    mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
    [[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
    [[ -n $mirror ]] || { echo "make images: no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
    rootfs=$(mktemp -d /var/tmp/microseg-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
    # The images trust what this host trusts: a site whose HTTPS goes through an inspecting proxy has its CA in
    # /usr/local/share/ca-certificates, and npm and NuGet inside the builds need it as much as make build does.
    # Each image that installs ca-certificates adds these to its bundle.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        mkdir -p "$rootfs/usr/local/share/ca-certificates"
        cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    fi
    tar -C "$rootfs" --numeric-owner -c . | "$DOCKER" import - "$LOCAL/debian:bookworm"
    rm -rf "$rootfs"
fi

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
have "$LOCAL/dotnet-sdk:10" || build -f deploy/docker/local/sdk.Dockerfile --build-arg BASE_IMAGE="$LOCAL/debian:bookworm" \
    -t "$LOCAL/dotnet-sdk:10" "$dotnet_root"
have "$LOCAL/aspnet:10" || build -f deploy/docker/local/runtime.Dockerfile --build-arg BASE_IMAGE="$LOCAL/debian:bookworm" \
    --build-arg SDK_IMAGE="$LOCAL/dotnet-sdk:10" -t "$LOCAL/aspnet:10" deploy/docker/local
if ! have "$LOCAL/node:20"; then
    node_bin=$(readlink -f "$(command -v node)")
    npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
    context=$(mktemp -d /var/tmp/microseg-node.XXXXXX)
    mkdir -p "$context/bin" "$context/lib/node_modules"
    cp "$node_bin" "$context/bin/node"
    cp -r "$npm_dir" "$context/lib/node_modules/npm"
    build -f deploy/docker/local/node.Dockerfile --build-arg BASE_IMAGE="$LOCAL/debian:bookworm" -t "$LOCAL/node:20" "$context"
    rm -rf "$context"
fi

build -f deploy/docker/silo.Dockerfile --build-arg NODE_IMAGE="$LOCAL/node:20" --build-arg SDK_IMAGE="$LOCAL/dotnet-sdk:10" \
    --build-arg RUNTIME_IMAGE="$LOCAL/aspnet:10" -t "microseg-silo:$TAG" .
build -f deploy/docker/agent.Dockerfile --build-arg SDK_IMAGE="$LOCAL/dotnet-sdk:10" --build-arg RUNTIME_IMAGE="$LOCAL/aspnet:10" \
    -t "microseg-agent:$TAG" .
echo "make images: built microseg-silo:$TAG and microseg-agent:$TAG"
