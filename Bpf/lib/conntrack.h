/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection tracking. One entry per flow per endpoint, keyed by the tuple of
 * the flow's first packet and the direction (program) that saw it. A packet
 * hits "established" with its own tuple in the same direction, or "reply"
 * with the reversed tuple in the opposite direction. No TCP state machine
 * yet: LRU eviction ages entries out.
 */
#pragma once

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"

static __always_inline __u8 ms_opposite_dir(__u8 dir)
{
	return dir == MS_DIR_INGRESS ? MS_DIR_EGRESS : MS_DIR_INGRESS;
}

static __always_inline void ms_ct_key_fill(struct ms_ct_key *key, __u32 ifindex,
					   __u8 dir, const struct ms_packet *pkt,
					   bool reverse)
{
	key->ifindex = ifindex;
	key->family = pkt->family;
	key->proto = pkt->proto;
	key->pad = 0;
	if (!reverse) {
		key->direction = dir;
		key->sport = pkt->sport;
		key->dport = pkt->dport;
		__builtin_memcpy(key->saddr, pkt->saddr, 16);
		__builtin_memcpy(key->daddr, pkt->daddr, 16);
	} else {
		key->direction = ms_opposite_dir(dir);
		key->sport = pkt->dport;
		key->dport = pkt->sport;
		__builtin_memcpy(key->saddr, pkt->daddr, 16);
		__builtin_memcpy(key->daddr, pkt->saddr, 16);
	}
}

/* Looks the packet up; on a hit, accounts it and returns
 * MS_REASON_CT_ESTABLISHED or MS_REASON_CT_REPLY, else 0. */
static __always_inline int ms_ct_lookup(__u32 ifindex, __u8 dir,
					const struct ms_packet *pkt, __u32 len,
					__u32 *rule_id)
{
	struct ms_ct_key key;
	struct ms_ct_entry *e;
	__u64 now = bpf_ktime_get_ns();

	ms_ct_key_fill(&key, ifindex, dir, pkt, false);
	e = bpf_map_lookup_elem(&ms_conntrack, &key);
	if (e) {
		e->last_seen_ns = now;
		__sync_fetch_and_add(&e->packets_orig, 1);
		__sync_fetch_and_add(&e->bytes_orig, len);
		*rule_id = e->rule_id;
		return MS_REASON_CT_ESTABLISHED;
	}

	ms_ct_key_fill(&key, ifindex, dir, pkt, true);
	e = bpf_map_lookup_elem(&ms_conntrack, &key);
	if (e) {
		e->last_seen_ns = now;
		__sync_fetch_and_add(&e->packets_reply, 1);
		__sync_fetch_and_add(&e->bytes_reply, len);
		/* Written once, never cleared, so a racy plain store is fine (and
		 * 32-bit atomics would need -mcpu=v3). */
		if (!(e->flags & MS_CT_F_SEEN_REPLY))
			e->flags |= MS_CT_F_SEEN_REPLY;
		*rule_id = e->rule_id;
		return MS_REASON_CT_REPLY;
	}
	return 0;
}

static __always_inline void ms_ct_create(__u32 ifindex, __u8 dir,
					 const struct ms_packet *pkt, __u32 len,
					 __u32 rule_id, __u32 remote_identity)
{
	struct ms_ct_key key;
	struct ms_ct_entry e = {};
	__u64 now = bpf_ktime_get_ns();

	ms_ct_key_fill(&key, ifindex, dir, pkt, false);
	e.created_ns = now;
	e.last_seen_ns = now;
	e.packets_orig = 1;
	e.bytes_orig = len;
	e.rule_id = rule_id;
	e.remote_identity = remote_identity;
	/* A failed insert only costs a re-evaluation of the next packet. */
	bpf_map_update_elem(&ms_conntrack, &key, &e, BPF_ANY);
}
