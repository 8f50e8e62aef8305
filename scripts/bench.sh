#!/usr/bin/env bash
# Runs every benchmark: the data plane per packet (bpf_prog_test_run against an empty TC
# program measured in the same run), iperf3 through veths with and without the programs,
# the four-way peer comparison (no filter, nftables, iptables, MicroSeg), and the C# benchmarks (BenchmarkDotNet). Reports land in out/bench.
# A filter runs only matching BenchmarkDotNet benchmarks, e.g. scripts/bench.sh '*Recompute*'.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out/bench
project=test/Benchmarks/Benchmarks.csproj
# The benchmarks that host a silo measure it as deployed (deploy/systemd, deploy/docker; docs/architecture.md).
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}

if [ $# -eq 0 ]; then
  echo "== data plane: ns per packet (median), beside an empty TC program"
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- datapath run --markdown out/bench/datapath.md
  echo "== data plane: iperf3 through veths, without and with the programs"
  scripts/bench-iperf.sh 5 3 | tee out/bench/iperf.txt
  echo "== data plane: one 10k-peer allow list by no filter, nftables, iptables and MicroSeg (new TCP connections/s, iperf3)"
  scripts/bench-peers.sh 5 5 | tee out/bench/peers.md
  echo "== Orleans grain calls: local, cross-silo (2 silos), external client; bare Orleans silos, then the product's silo configuration"
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- grain-calls --silo bare --markdown out/bench/grain-calls-bare.md
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- grain-calls --silo microseg --markdown out/bench/grain-calls.md
  echo "== writes: PUT /api/v1/workloads/{id} on one embedded silo at 1k, 10k, 50k workloads"
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- writes --workloads 1000,10000,50000 --markdown out/bench/writes.md
  echo "== policy fan-out: REST label change to rules applied on every agent (in-process agents)"
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- policy-latency --nodes 10,100 --workloads 10000 --policies 1000 --changes 20 | tee out/bench/policy-latency.md
  echo "== flows: TCP connections made vs accounted by GET /api/v1/flows, visibility delay (real agent, embedded silo)"
  # One C client process (≈ 10-20k connections/s here) at the default interval and at 1 s, then four (the rate where loss starts).
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- flows --seconds 30 --clients 1 --interval 5s | tee out/bench/flows.md
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- flows --seconds 30 --clients 1 --interval 1s | tee -a out/bench/flows.md
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- flows --seconds 30 --clients 4 --interval 5s | tee -a out/bench/flows.md
  echo "== NetworkPolicy import: one POST of 20k documents beside PUT one by one (SQLite, one silo)"
  dotnet run -c "${CONFIG:-Release}" --project "$project" -- networkpolicy-import --documents 20000 --baseline 300 | tee out/bench/networkpolicy-import.md
fi

echo "== control plane (BenchmarkDotNet)"
dotnet run -c "${CONFIG:-Release}" --project "$project" -- --filter "${1:-*}" --job short --inProcess --artifacts out/bench
echo "bench: reports in out/bench"
