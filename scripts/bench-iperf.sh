#!/usr/bin/env bash
# iperf3 TCP throughput between two network namespaces, without and with the MicroSeg
# programs attached to both host-side veths (each workload protected, isolated both ways,
# one TCP allow rule per direction), printing both and the ratio.
#
#   scripts/bench-iperf.sh [seconds] [rounds]   (defaults 5 and 5; needs root, iperf3,
#                                               out/bpf/microseg.bpf.o, a built test/Benchmarks)
#
# Rounds alternate without/with (attach, measure, detach) so drift hits both alike; the
# medians are compared, and so are the rounds pairwise (median of the per-round ratios,
# which drift between rounds disturbs less). The load average is printed: on a shared
# machine it says how much to trust the figures. BENCH_HELPER overrides the helper
# command (default: dotnet run of test/Benchmarks with "datapath").
#
# Topology (TestNetwork-like): ns A eth0 198.18.250.1/24 -- veth -- bridge -- veth -- ns B
# eth0 198.18.250.2/24. Names carry a random prefix; the trap removes everything created.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-5}
prefix="mb$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-5)"
ns_a="$prefix-a" ns_b="$prefix-b" br="${prefix}br" host_a="${prefix}a" host_b="${prefix}b"
pin_dir="/sys/fs/bpf/microseg/iperf-$prefix"
helper=(dotnet run -c "${CONFIG:-Release}" --no-build --project test/Benchmarks/Benchmarks.csproj -- datapath)
[[ -n "${BENCH_HELPER:-}" ]] && read -r -a helper <<<"$BENCH_HELPER"

cleanup() {
  set +e
  [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  "${helper[@]}" detach "$pin_dir" "$host_a" "$host_b" >/dev/null 2>&1
  ip netns del "$ns_a" 2>/dev/null
  ip netns del "$ns_b" 2>/dev/null
  ip link del "$br" 2>/dev/null
  rm -rf "$pin_dir"
}
trap cleanup EXIT INT TERM

source scripts/bench-netns.sh
bench_pair "$prefix" a=198.18.250.1/24 b=198.18.250.2/24

ip netns exec "$ns_b" iperf3 -s -B 198.18.250.2 >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  ip netns exec "$ns_a" bash -c 'exec 3<>/dev/tcp/198.18.250.2/5201' 2>/dev/null && break
  sleep 0.1
done

measure() { # prints bits per second of one iperf3 run (receiver side)
  ip netns exec "$ns_a" iperf3 -c 198.18.250.2 -t "$seconds" -J |
    python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))'
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
without=() with=()
for round in $(seq "$rounds"); do
  without+=("$(measure)")
  "${helper[@]}" attach "$pin_dir" "$host_a=198.18.250.1" "$host_b=198.18.250.2" >/dev/null
  with+=("$(measure)")
  "${helper[@]}" detach "$pin_dir" "$host_a" "$host_b" >/dev/null
  echo "round $round: without $((without[-1] / 1000000)) Mbit/s, with $((with[-1] / 1000000)) Mbit/s"
done

echo "load average at the end:   $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$seconds" "$rounds" "${without[*]}" "${with[*]}" <<'PY'
import statistics, sys
seconds, rounds = sys.argv[1], sys.argv[2]
pairs = list(zip((int(x) for x in sys.argv[3].split()), (int(x) for x in sys.argv[4].split())))
without = statistics.median(w for w, _ in pairs)
with_ = statistics.median(m for _, m in pairs)
paired = statistics.median(m / w for w, m in pairs)
print(f"iperf3 TCP, 1 stream, {seconds} s x {rounds} rounds (median), namespace to namespace over veth + bridge")
print(f"  without MicroSeg: {without / 1e9:8.2f} Gbit/s")
print(f"  with MicroSeg:    {with_ / 1e9:8.2f} Gbit/s")
print(f"  ratio:            {with_ / without:8.3f}  ({(1 - with_ / without) * 100:+.1f} % loss)")
print(f"  paired ratio:     {paired:8.3f}  ({(1 - paired) * 100:+.1f} % loss, median of the per-round ratios)")
PY
