#!/usr/bin/env bash
# The same 10k-peer allow list enforced four ways on a server namespace, compared in one run:
#   none      no filter
#   nftables  an inet table in the server's namespace: ct established/related accept, then
#             "ip saddr @peers tcp dport {ports} accept" (a 10k-element set), policy drop
#   iptables  the same as 10k linear INPUT rules in the server's namespace (the client's
#             address is the last rule), conntrack established/related first, policy DROP
#   microseg  the programs on the server's host-side veth: ingress isolated, one identity and
#             one exact policy key per peer and port (as the agent writes them)
# Per mode: new TCP connections/s (connect, 1-byte request, 1-byte response, close; a new
# flow per transaction) and iperf3 TCP throughput. Rounds rotate the order of the modes;
# every figure is the median over the rounds, with the spread (min-max) and the ratio to
# "none" (median of the per-round ratios: drift between rounds disturbs it less).
# BENCH_HELPER overrides the helper command (e.g. another build's, for before/after runs).
# BENCH_MODES picks the modes (default "none nftables iptables microseg"; "none" is always run
# first in the list's rotation and needed for the ratios), e.g. "none microseg" for profiling.
# BENCH_PROFILE is a command run in the background during each MicroSeg CRR run and stopped
# with SIGTERM after it (e.g. "perf record -a -g -o /tmp/crr.data"; its output goes to stderr).
# For microseg, a reader drains the flow events as the agent's flow thread does (datapath
# read-events), so the mode pays for writing and reading every event as a node does.
# For microseg, the kernel's own run-time statistics (kernel.bpf_stats_enabled, on only
# during this script, restored on exit) give the programs' ns per packet in the CRR runs.
#
#   scripts/bench-peers.sh [seconds=5] [rounds=5]   (root; needs out/bpf/microseg.bpf.o, a
#                                                     built test/Benchmarks, nft, iptables, iperf3, cc)
#
# Topology: ns client eth0 198.18.251.1/24 -- veth -- bridge -- veth -- ns server eth0
# 198.18.251.2/24. Peers are 198.19.0.1 onward plus the client. Names carry a random prefix;
# nftables and iptables rules live only inside the server namespace; the trap removes all.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-5}
peer_count=10000
crr_port=5202 iperf_port=5201
client_addr=198.18.251.1 server_addr=198.18.251.2
prefix="mp$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-5)"
ns_c="$prefix-c" ns_s="$prefix-s" br="${prefix}br" host_c="${prefix}c" host_s="${prefix}s"
pin_dir="/sys/fs/bpf/microseg/peers-$prefix"
work=$(mktemp -d "/tmp/$prefix.XXXX")
helper=(dotnet run -c "${CONFIG:-Release}" --no-build --project test/Benchmarks/Benchmarks.csproj -- datapath)
[[ -n "${BENCH_HELPER:-}" ]] && read -r -a helper <<<"$BENCH_HELPER"
stats_before=$(sysctl -n kernel.bpf_stats_enabled)

cleanup() {
  set +e
  for pid in ${profile_pid:-} ${reader_pid:-} ${crr_pid:-} ${iperf_pid:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  "${helper[@]}" detach "$pin_dir" "$host_s" >/dev/null 2>&1
  ip netns del "$ns_c" 2>/dev/null
  ip netns del "$ns_s" 2>/dev/null
  ip link del "$br" 2>/dev/null
  rm -rf "$pin_dir" "$work"
  sysctl -qw kernel.bpf_stats_enabled="$stats_before"
}
trap cleanup EXIT INT TERM

for tool in nft iptables-restore iperf3 cc bpftool; do
  command -v "$tool" >/dev/null || { echo "bench-peers: $tool missing; run 'make deps'" >&2; exit 1; }
done
cc -O2 -Wall -Werror -o "$work/crr" test/Benchmarks/Peers/crr.c

# ---- topology
source scripts/bench-netns.sh
bench_pair "$prefix" c=$client_addr/24 s=$server_addr/24
# The client closes first and keeps TIME_WAIT: let it reuse ports (its namespace only).
ip netns exec "$ns_c" sysctl -qw net.ipv4.tcp_tw_reuse=1 net.ipv4.ip_local_port_range="1024 65535"

# ---- the allow list: 9,999 other peers, then the client
python3 - "$peer_count" "$client_addr" >"$work/peers" <<'PY'
import ipaddress, sys
count, client = int(sys.argv[1]), sys.argv[2]
base = int(ipaddress.IPv4Address("198.19.0.1"))
for i in range(count - 1):
    print(ipaddress.IPv4Address(base + i))
print(client)
PY
{
  echo "table inet $prefix {"
  echo "  set peers { type ipv4_addr; elements = { $(paste -sd, "$work/peers") } }"
  echo "  chain input { type filter hook input priority 0; policy drop;"
  echo "    ct state established,related accept"
  echo "    iif lo accept"
  echo "    ip saddr @peers tcp dport { $crr_port, $iperf_port } accept"
  echo "  }"
  echo "}"
} >"$work/nft.rules"
{
  echo "*filter"
  echo ":INPUT DROP [0:0]"
  echo "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
  echo "-A INPUT -i lo -j ACCEPT"
  sed "s|.*|-A INPUT -s &/32 -p tcp -m multiport --dports $crr_port,$iperf_port -j ACCEPT|" "$work/peers"
  echo "COMMIT"
} >"$work/ipt.rules"

apply() {
  case $1 in
    none) ;;
    nftables) ip netns exec "$ns_s" nft -f "$work/nft.rules" ;;
    iptables) ip netns exec "$ns_s" iptables-restore <"$work/ipt.rules" ;;
    microseg) "${helper[@]}" attach-allowlist "$pin_dir" "$host_s=$server_addr" "$crr_port,$iperf_port" "$work/peers" >/dev/null ;;
  esac
}
remove() {
  case $1 in
    none) ;;
    nftables) ip netns exec "$ns_s" nft delete table inet "$prefix" ;;
    iptables) ip netns exec "$ns_s" iptables -P INPUT ACCEPT && ip netns exec "$ns_s" iptables -F INPUT ;;
    microseg) "${helper[@]}" detach "$pin_dir" "$host_s" >/dev/null ;;
  esac
}

# run time (ns) and count of every program on the server's host veth, summed
bpf_runtime() {
  local ids
  ids=$( (tc filter show dev "$host_s" ingress; tc filter show dev "$host_s" egress) | grep -o ' id [0-9]*' | awk '{print $2}')
  local ns=0 cnt=0
  for id in $ids; do
    read -r t c < <(bpftool prog show id "$id" -j | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p.get("run_time_ns",0), p.get("run_cnt",0))')
    ns=$((ns + t)) cnt=$((cnt + c))
  done
  echo "$ns $cnt"
}

# The agent's flow thread, stand-in: drains ms_events while the microseg mode runs.
start_reader() {
  "${helper[@]}" read-events "$pin_dir" >"$work/reader.out" 2>&1 &
  reader_pid=$!
  for _ in $(seq 100); do
    grep -q "reading" "$work/reader.out" 2>/dev/null && return
    kill -0 "$reader_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "bench-peers: the event reader did not start: $(cat "$work/reader.out")" >&2
  exit 1
}
stop_reader() {
  kill "$reader_pid" 2>/dev/null; wait "$reader_pid" 2>/dev/null
  reader_pid=""
}

ip netns exec "$ns_s" "$work/crr" server $server_addr $crr_port &
crr_pid=$!
ip netns exec "$ns_s" iperf3 -s -B $server_addr -p $iperf_port >/dev/null 2>&1 &
iperf_pid=$!
sleep 0.5
ip netns exec "$ns_c" "$work/crr" client $server_addr $crr_port 1 >/dev/null # warm-up, and the server answers

sysctl -qw kernel.bpf_stats_enabled=1
read -r -a modes <<<"${BENCH_MODES:-none nftables iptables microseg}"
[[ " ${modes[*]} " == *" none "* ]] || modes=(none "${modes[@]}")
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "iptables: $(iptables -V); nft: $(nft -v)"
: >"$work/results"
for round in $(seq "$rounds"); do
  line="round $round:"
  for k in "${!modes[@]}"; do
    mode=${modes[$(((k + round - 1) % ${#modes[@]}))]}
    apply "$mode"
    [[ $mode == microseg ]] && start_reader
    [[ $mode == microseg ]] && read -r t0 c0 < <(bpf_runtime)
    if [[ $mode == microseg && -n "${BENCH_PROFILE:-}" ]]; then
      # shellcheck disable=SC2086 # a command line, split on purpose
      ${BENCH_PROFILE} >&2 &
      profile_pid=$!
    fi
    crr=$(ip netns exec "$ns_c" "$work/crr" client $server_addr $crr_port "$seconds")
    if [[ -n "${profile_pid:-}" ]]; then
      kill -TERM "$profile_pid" 2>/dev/null; wait "$profile_pid" 2>/dev/null || true
      profile_pid=""
    fi
    extra=""
    if [[ $mode == microseg ]]; then
      read -r t1 c1 < <(bpf_runtime)
      extra=" ($(( (t1 - t0) / (c1 - c0 > 0 ? c1 - c0 : 1) )) ns/packet in the programs)"
      echo "bpf $(( t1 - t0 )) $(( c1 - c0 ))" >>"$work/results"
    fi
    bps=$(ip netns exec "$ns_c" iperf3 -c $server_addr -p $iperf_port -t "$seconds" -J |
      python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
    if [[ $mode == microseg ]]; then
      stop_reader
      extra+=" ($(grep -o 'events read: [0-9]*' "$work/reader.out" || echo 'events read: unknown'))"
    fi
    remove "$mode"
    echo "$round $mode $crr $bps" >>"$work/results"
    line+=" $mode $crr conn/s $((bps / 1000000)) Mbit/s$extra;"
  done
  echo "$line"
done
echo "load average at the end:   $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$seconds" "$rounds" "$peer_count" "$work/results" <<'PY'
import statistics, sys
seconds, rounds, peers, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows, bpf = {}, [0, 0]
for line in open(path):
    f = line.split()
    if f[0] == "bpf":
        bpf[0] += int(f[1]); bpf[1] += int(f[2]); continue
    rows.setdefault(f[1], {})[int(f[0])] = (int(f[2]), int(f[3]))
def summary(index, unit, scale):
    print(f"| mode | {unit} median | min-max | ratio to none (paired median) | loss |")
    print("|---|---:|---:|---:|---:|")
    for mode in [m for m in ("none", "nftables", "iptables", "microseg") if m in rows]:
        values = [rows[mode][r][index] / scale for r in sorted(rows[mode])]
        ratios = [rows[mode][r][index] / rows["none"][r][index] for r in sorted(rows[mode])]
        ratio = statistics.median(ratios)
        print(f"| {mode} | {statistics.median(values):,.{0 if scale == 1 else 2}f} | {min(values):,.{0 if scale == 1 else 2}f}-{max(values):,.{0 if scale == 1 else 2}f} "
              f"| {ratio:.3f} ({min(ratios):.3f}-{max(ratios):.3f}) | {(1 - ratio) * 100:+.1f} % |")
print(f"\n{peers}-peer allow list, {rounds} rounds of {seconds} s per mode and test, order rotated per round\n")
print("New TCP connections/s (connect, 1-byte request and response, close; one at a time):\n")
summary(0, "conn/s", 1)
print("\niperf3 TCP, 1 stream:\n")
summary(1, "Gbit/s", 1e9)
if bpf[1]:
    print(f"\nMicroSeg programs during the CRR runs (kernel run-time stats): {bpf[0] / bpf[1]:.0f} ns per packet over {bpf[1]:,} packets")
PY
