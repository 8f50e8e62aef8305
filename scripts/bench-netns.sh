#!/usr/bin/env bash
# Sourced by the real-traffic benchmarks: namespaces on one bridge, as the tests' TestNetwork
# builds them. The caller's trap deletes what this creates (names carry its random prefix).
#
#   bench_pair PREFIX SIDE=ADDRESS/LEN...   bridge PREFIXbr; per side a namespace PREFIX-SIDE
#                                           with eth0 at ADDRESS, its host veth PREFIXSIDE on the bridge
bench_pair() {
  local prefix=$1 pair side addr ns host
  shift
  ip link add "${prefix}br" type bridge
  ip link set "${prefix}br" up
  for pair in "$@"; do
    side=${pair%%=*} addr=${pair#*=}
    ns="$prefix-$side" host="$prefix$side"
    ip netns add "$ns"
    ip link add "$host" type veth peer name "${host}p"
    ip link set "${host}p" netns "$ns"
    ip -n "$ns" link set "${host}p" name eth0
    ip -n "$ns" addr add "$addr" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    echo 1 > "/proc/sys/net/ipv6/conf/$host/disable_ipv6"
    ip link set "$host" master "${prefix}br"
    ip link set "$host" up
  done
}
