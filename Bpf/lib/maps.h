/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map definitions. Every map is pinned by name: user space points each map's
 * pin path at its node directory (/sys/fs/bpf/microseg/<node>/ms_*) before
 * load, so a restarted agent reuses the same maps and enforcement and
 * connection state survive the restart.
 */
#pragma once

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"

/* Never read or written: its size is MS_ABI_VERSION, so pins of another map
 * layout are refused. First, so that happens before any other map is made. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, MS_ABI_VERSION);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_abi SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* required for LPM tries */
	__type(key, struct ms_ipcache_key);
	__type(value, struct ms_ipcache_value);
	__uint(max_entries, 512 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_ipcache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* memory per entry, not per max_entries */
	__type(key, struct ms_ipcache_key);
	__type(value, struct ms_ipcache_value);
	__uint(max_entries, 512 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_ipcache_hosts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32); /* host-side ifindex */
	__type(value, struct ms_endpoint);
	__uint(max_entries, 64 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ms_source_key);
	__type(value, struct ms_source_value);
	__uint(max_entries, 128 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_source_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ms_policy_key);
	__type(value, struct ms_policy_value);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_policy SEC(".maps");

/* Probed only for endpoints flagged MS_EP_*_RANGES. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* required for LPM tries */
	__type(key, struct ms_policy_range_key);
	__type(value, struct ms_policy_value);
	__uint(max_entries, 256 * 1024); /* as ms_policy: one rule is up to 30 blocks */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_policy_ranges SEC(".maps");

/* Conntrack, one map per family (microseg.h). max_entries is a default; user
 * space sizes both before load. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ms_ct4_key);
	__type(value, struct ms_ct_entry);
	__uint(max_entries, 1 << 20);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_conntrack4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ms_ct_key);
	__type(value, struct ms_ct_entry);
	__uint(max_entries, 1 << 20);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_conntrack6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ms_frag_key);
	__type(value, struct ms_frag_entry);
	__uint(max_entries, 16 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_fragments SEC(".maps");

/* Per-CPU event token buckets. Not pinned: a reload starts with full buckets. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ms_event_bucket);
	__uint(max_entries, 1);
} ms_event_budget SEC(".maps");

/* Per-CPU cache of the coarse clock (clock.h). Not pinned: a reload starts empty. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ms_clock_cache);
	__uint(max_entries, 1);
} ms_clock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* bytes */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32); /* enum ms_reason, or MS_STATS_VERDICT_BASE + verdict */
	__type(value, __u64);
	__uint(max_entries, MS_STATS_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__type(key, struct ms_would_deny_key);
	__type(value, __u64); /* packets */
	__uint(max_entries, 16 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_would_deny SEC(".maps");

/* Never touched by the programs: user space's memory of what it programmed. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ms_control_plane);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_control_plane SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ms_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ms_config SEC(".maps");
