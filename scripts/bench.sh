#!/usr/bin/env bash
# Runs the benchmarks (BenchmarkDotNet). Pass a filter to run a subset, e.g. scripts/bench.sh '*Recompute*'.
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-*}
dotnet run -c "${CONFIG:-Release}" --project test/Benchmarks/Benchmarks.csproj -- \
  --filter "$filter" --job short --artifacts out/bench
echo "bench: reports in out/bench/results"
