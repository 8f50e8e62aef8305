#!/usr/bin/env bash
# Runs every test project of the solution (after 'make build') and prints one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."

results=out/test-results
rm -rf "$results"
mkdir -p "$results"
# -m:1 runs the test assemblies one after another: the kernel, cluster and end-to-end tests all
# time real things (connects, heartbeats), and on a 2-core machine they must not starve each other.
dotnet test MicroSeg.Orleans.sln -c "${CONFIG:-Release}" --no-build --nologo -m:1 \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

# The console's component tests (Vitest, jsdom); their JUnit counts join the summary below.
(cd Dashboard/console && npx vitest run --reporter=default --reporter=junit --outputFile.junit="../../$results/console.junit.xml") || status=1

passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${x:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${n:-0}))
done
if [ -f "$results/console.junit.xml" ]; then
  suites=$(grep -o '<testsuites [^>]*>' "$results/console.junit.xml" | head -1)
  total=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$suites")
  x=$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$suites"); e=$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$suites")
  n=$(grep -c '<skipped' "$results/console.junit.xml")
  failed=$((failed + ${x:-0} + ${e:-0})); skipped=$((skipped + n))
  passed=$((passed + ${total:-0} - ${x:-0} - ${e:-0} - n))
fi
echo
# The names of failed tests go last, where a CI log's tail shows them.
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$f" | sed -n 's/.* testName="\([^"]*\)".*/FAILED: \1/p'
done
if [ -f "$results/console.junit.xml" ]; then
  grep -B1 -E '<(failure|error)' "$results/console.junit.xml" | sed -n 's/.*<testcase [^>]*name="\([^"]*\)".*/FAILED (console): \1/p'
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "test: no test ran" >&2
  exit 1
fi
exit "$status"
