#!/usr/bin/env bash
# Starts the embedded single-node system: one silo (REST API + dashboard + gateway, SQLite under
# ./data) and one node agent for this host. Ctrl-C stops both; the programs and pinned maps stay
# and keep enforcing the last rules until an agent starts again (microseg-agent uninstall removes them).
set -euo pipefail
cd "$(dirname "$0")/.."

HTTP=${MICROSEG_HTTP:-http://127.0.0.1:8080}
GATEWAY_PORT=${MICROSEG_GATEWAY_PORT:-30000}
NODE=${MICROSEG_NODE:-$(hostname -s | tr 'A-Z_' 'a-z-')}
DATA=${MICROSEG_DATA:-./data}

silo=""; agent=""
stop() {
  trap - INT TERM EXIT
  [ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null || true
  [ -n "$silo" ] && kill -TERM "$silo" 2>/dev/null && wait "$silo" 2>/dev/null || true
  echo "MicroSeg stopped."
  exit 0
}
trap stop INT TERM EXIT

mkdir -p "$DATA"
out/bin/microseg-silo --http "$HTTP" --gateway-port "$GATEWAY_PORT" --data "$DATA" --local-node "$NODE" &
silo=$!
for _ in $(seq 1 60); do
  curl -fsS "$HTTP/healthz" >/dev/null 2>&1 && break
  kill -0 "$silo" 2>/dev/null || { echo "run: the silo exited during start-up (see its log above)" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "$HTTP/healthz" >/dev/null || { echo "run: the silo did not become healthy on $HTTP" >&2; exit 1; }

# The silo writes its admin token on first start (mode 0600); wait for it as for health.
for _ in $(seq 1 20); do [ -s "$DATA/admin.token" ] && break; sleep 0.5; done
[ -s "$DATA/admin.token" ] || { echo "run: the silo did not write $DATA/admin.token" >&2; exit 1; }

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
echo
wait -n "$silo" "$agent"
