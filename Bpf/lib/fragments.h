/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IP fragments. The first fragment carries the transport header and is
 * evaluated like any packet (conntrack, then policy); its verdict is kept in
 * ms_fragments under (ifindex, direction, family, proto, addresses, id). Later
 * fragments have no ports: they follow that verdict, and without one (first
 * fragment not seen, or older than MS_FRAG_TIMEOUT_NS) they are denied.
 */
#pragma once

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"

static __always_inline void ms_frag_key_fill(struct ms_frag_key *key, __u32 ifindex, __u8 dir,
					     const struct ms_packet *pkt)
{
	key->ifindex = ifindex;
	key->family = pkt->family;
	key->proto = pkt->proto;
	key->direction = dir;
	key->pad = 0;
	key->id = pkt->frag_id;
	__builtin_memcpy(key->saddr, pkt->saddr, 16);
	__builtin_memcpy(key->daddr, pkt->daddr, 16);
}

/* Records the verdict of a first fragment. Returns 0 or a negative errno. */
static __always_inline long ms_frag_track(__u32 ifindex, __u8 dir, const struct ms_packet *pkt,
					  __u64 now, bool denied, __u32 rule_id)
{
	struct ms_frag_key key;
	struct ms_frag_entry e = {
		.created_ns = now,
		.rule_id = rule_id,
		.denied = denied,
	};

	ms_frag_key_fill(&key, ifindex, dir, pkt);
	return bpf_map_update_elem(&ms_fragments, &key, &e, BPF_ANY);
}

/* The reason for a later fragment: FRAGMENT, FRAGMENT_DENIED or FRAGMENT_UNKNOWN. */
static __always_inline int ms_frag_follow(__u32 ifindex, __u8 dir, const struct ms_packet *pkt,
					  __u64 now, __u32 *rule_id)
{
	struct ms_frag_key key;
	struct ms_frag_entry *e;

	ms_frag_key_fill(&key, ifindex, dir, pkt);
	e = bpf_map_lookup_elem(&ms_fragments, &key);
	if (!e || (now > e->created_ns && now - e->created_ns > MS_FRAG_TIMEOUT_NS))
		return MS_REASON_FRAGMENT_UNKNOWN;
	*rule_id = e->rule_id;
	return e->denied ? MS_REASON_FRAGMENT_DENIED : MS_REASON_FRAGMENT;
}
