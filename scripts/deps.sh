#!/usr/bin/env bash
# Installs what building and running MicroSeg needs on Debian 12 ('scripts/deps.sh'), or that
# plus what only the tests and benchmarks use ('scripts/deps.sh test'), and nothing that is
# already there. Idempotent: a second run installs nothing and exits quickly.
set -euo pipefail

packages=(
  clang llvm libbpf-dev libbpf1 bpftool   # BPF object build and loading
  iproute2                                # network namespaces, veths, tc
  netcat-openbsd                          # the README walkthrough
  make ca-certificates curl               # make run waits on /healthz with curl
)
if [ "${1:-}" = test ]; then
  packages+=(
    iputils-ping iperf3                   # real-traffic tests
    nftables iptables gcc                 # the peer benchmark (scripts/bench-peers.sh)
    postgresql                            # cluster-mode tests start their own PostgreSQL
    chromium                              # dashboard tests (Playwright drives Debian's Chromium)
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages: ${missing[*]}; run 'make deps' as root" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "deps: the .NET 10 SDK is not on PATH. Install dotnet-sdk-10.0 and run 'make deps' again." >&2
  exit 1
fi
major=$(dotnet --version | cut -d. -f1)
if [ "$major" -lt 10 ]; then
  echo "deps: .NET SDK $(dotnet --version) found; MicroSeg needs 10 or newer." >&2
  exit 1
fi
# The console (Dashboard/console) builds with Node.js and npm; Vite 8 needs Node.js 20.19 or newer, which
# Debian 12's own nodejs (18) is not, so a newer Node.js must be on PATH.
if ! command -v npm >/dev/null 2>&1 || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "deps: Node.js 20.19+ with npm is needed to build the console (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi
echo "deps: ok"
