#!/usr/bin/env bash
# Starts the embedded single-node system: one silo (REST API + dashboard + gateway, SQLite under
# ./data) and one node agent for this host. Ctrl-C stops both; the programs and pinned maps stay
# and keep enforcing the last rules until an agent starts again (microseg-agent uninstall removes them).
set -euo pipefail
cd "$(dirname "$0")/.."

HTTP=${MICROSEG_HTTP:-http://127.0.0.1:8080}
GATEWAY_PORT=${MICROSEG_GATEWAY_PORT:-30000}
SILO_PORT=${MICROSEG_SILO_PORT:-11111}
NODE=${MICROSEG_NODE:-$(hostname -s | tr 'A-Z_' 'a-z-')}
DATA=${MICROSEG_DATA:-./data}
# As every deployment runs them (deploy/systemd, deploy/docker; docs/architecture.md, "The silo's runtime").
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0}

silo=""; agent=""; status=0
# Ctrl-C stops both and exits 0; a process that dies on its own makes the script exit non-zero (status set below).
stop() {
  trap - INT TERM EXIT
  [ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null || true
  [ -n "$silo" ] && kill -TERM "$silo" 2>/dev/null && wait "$silo" 2>/dev/null || true
  echo "MicroSeg stopped."
  exit "$status"
}
trap stop INT TERM
trap 'rc=$?; [ "$status" -ne 0 ] || status=$rc; stop' EXIT
fail() { echo "run: $*" >&2; status=1; exit 1; }

mkdir -p "$DATA"
out/bin/microseg-silo --http "$HTTP" --silo-port "$SILO_PORT" --gateway-port "$GATEWAY_PORT" --data "$DATA" --local-node "$NODE" &
silo=$!
for _ in $(seq 1 60); do
  curl -fsS --max-time 2 "$HTTP/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$silo" 2>/dev/null; then
    code=0; wait "$silo" || code=$?; silo=""
    fail "the silo exited with code $code during start-up (its message is above; a taken port is named there)"
  fi
  sleep 0.5
done
curl -fsS --max-time 5 "$HTTP/healthz" >/dev/null || fail "the silo did not become healthy on $HTTP/healthz within 30 s"

# The silo writes its admin token on first start (mode 0600); wait for it as for health.
for _ in $(seq 1 20); do [ -s "$DATA/admin.token" ] && break; sleep 0.5; done
[ -s "$DATA/admin.token" ] || fail "the silo did not write $DATA/admin.token"

# The silo made the cluster CA and this node's agent certificate on first start (TLS on every Orleans link).
out/bin/microseg-agent --node "$NODE" --gateway "127.0.0.1:$GATEWAY_PORT" --tls-dir "$DATA/tls" &
agent=$!

echo
echo "MicroSeg is running."
echo "  console (signed in): $HTTP/#token=$(cat "$DATA/admin.token")"
echo "  API token (admin): $DATA/admin.token, readable by root only"
echo "    try: curl -H \"Authorization: Bearer \$(cat $DATA/admin.token)\" $HTTP/api/v1/nodes"
echo "  Orleans links: TLS with mutual certificates; cluster CA and this node's agent certificate in $DATA/tls"
echo "  this host's node name: $NODE   (use it as \"node\" when registering workloads)"
echo "  data: $DATA   Press Ctrl-C to stop."
echo "  next: out/bin/microsegctl --token \"\$(cat $DATA/admin.token)\" --server $HTTP nodes"
echo "        then the walkthrough in README.md; API reference: $HTTP/api/docs"
echo
# Whichever stops first ends the run; one that stops on its own is a failure, named with its exit code.
code=0; wait -n "$silo" "$agent" || code=$?
if ! kill -0 "$silo" 2>/dev/null; then who=silo; silo=""; else who=agent; agent=""; fi
echo "run: the $who exited with code $code; stopping MicroSeg (its last messages are above)" >&2
status=1
