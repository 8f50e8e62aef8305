/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Identity and policy resolution for a new flow: the remote address maps to
 * an identity by exact match in ms_ipcache_hosts, else by longest-prefix match
 * in ms_ipcache (miss = WORLD); the policy is probed from most to least
 * specific key. Any DENY wins; else the most specific ALLOW; else default deny
 * if the direction is isolated.
 * Probing stops at a DENY (final), and at the first ALLOW when the endpoint
 * says the direction has no DENY rules (MS_EP_*_ALLOW_ONLY). Without ports
 * (ICMP, other protocols) the port-specific probes are the same keys as the
 * any-port ones and are skipped.
 *
 * Key shapes the endpoint says are absent (ms_endpoint.absent_ingress, absent_egress) are not
 * probed: they cannot match, so skipping them changes no verdict.
 *
 * Port ranges live in ms_policy_ranges (an LPM trie over the port's bits) and
 * rank between an exact port and "any port" of the same peer. They are probed
 * only when the endpoint says it has some (MS_EP_*_RANGES): the exact-key hash
 * probes stay the whole cost for everyone else.
 */
#pragma once

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"

static __always_inline __u32 ms_remote_identity(const struct ms_packet *pkt, __u8 dir)
{
	struct ms_ipcache_key key = {};
	struct ms_ipcache_value *v;

	key.family = pkt->family;
	key.prefixlen = MS_IPCACHE_STATIC_PREFIX +
			(pkt->family == MS_FAMILY_IPV4 ? 32 : 128);
	/* The remote is the destination of egress and the source of ingress. */
	if (dir == MS_DIR_EGRESS)
		__builtin_memcpy(key.addr, pkt->daddr, 16);
	else
		__builtin_memcpy(key.addr, pkt->saddr, 16);

	v = bpf_map_lookup_elem(&ms_ipcache_hosts, &key);
	if (!v)
		v = bpf_map_lookup_elem(&ms_ipcache, &key);
	return v ? v->identity : MS_IDENTITY_WORLD;
}

struct ms_policy_match {
	__u32 allow_rule;
	__u32 deny_rule;
	bool allowed;
	bool denied;
	bool allow_only; /* no DENY rule exists: the first ALLOW is final */
};

/* A deny is final; so is an allow when no deny exists. */
static __always_inline bool ms_policy_done(const struct ms_policy_match *m)
{
	return m->denied || (m->allowed && m->allow_only);
}

static __always_inline void ms_policy_note(const struct ms_policy_value *v,
					   struct ms_policy_match *m)
{
	if (!v)
		return;
	if (v->action == MS_ACTION_DENY) {
		m->denied = true;
		m->deny_rule = v->rule_id;
	} else if (v->action == MS_ACTION_ALLOW && !m->allowed) {
		m->allowed = true;
		m->allow_rule = v->rule_id;
	}
}

static __always_inline void ms_policy_probe(struct ms_policy_key *key, __u32 remote,
					    __u8 proto, __u16 port,
					    struct ms_policy_match *m, bool present)
{
	if (!present || ms_policy_done(m))
		return;
	key->remote_identity = remote;
	key->proto = proto;
	key->dport = port;
	ms_policy_note(bpf_map_lookup_elem(&ms_policy, key), m);
}

/* key holds the packet's full port (prefixlen = static + 16). */
static __always_inline void ms_policy_probe_range(struct ms_policy_range_key *key,
						  __u32 remote, struct ms_policy_match *m)
{
	if (ms_policy_done(m))
		return;
	key->remote_identity = remote;
	ms_policy_note(bpf_map_lookup_elem(&ms_policy_ranges, key), m);
}

/* Returns the reason (POLICY_ALLOW/POLICY_DENY/DEFAULT_DENY/DEFAULT_ALLOW)
 * and the deciding rule id (0 for defaults). */
static __always_inline int ms_policy_decide(__u32 ifindex, __u8 dir, __u8 ep_flags,
					    __u8 absent, __u32 remote,
					    const struct ms_packet *pkt, __u32 *rule_id)
{
	struct ms_policy_key key = { .ifindex = ifindex, .direction = dir };
	struct ms_policy_match m = {};
	/* ICMP and other protocols have no ports: only "any port" rules apply
	 * (and, when the direction is isolated, nothing else admits them). */
	__u16 port = (pkt->proto == IPPROTO_TCP || pkt->proto == IPPROTO_UDP ||
		      pkt->proto == IPPROTO_SCTP) ? pkt->dport : 0;
	__u8 isolated = dir == MS_DIR_INGRESS ? MS_EP_INGRESS_ISOLATED :
						MS_EP_EGRESS_ISOLATED;
	__u8 allow_only = dir == MS_DIR_INGRESS ? MS_EP_INGRESS_ALLOW_ONLY :
						  MS_EP_EGRESS_ALLOW_ONLY;
	__u8 ranges_flag = dir == MS_DIR_INGRESS ? MS_EP_INGRESS_RANGES : MS_EP_EGRESS_RANGES;
	bool ranges = port && (ep_flags & ranges_flag);
	struct ms_policy_range_key range = {
		.prefixlen = MS_POLICY_RANGE_STATIC_PREFIX + 16,
		.ifindex = ifindex,
		.direction = dir,
		.proto = pkt->proto,
		.dport = bpf_htons(port),
	};

	m.allow_only = ep_flags & allow_only;
	ms_policy_probe(&key, remote, pkt->proto, port, &m, port && !(absent & MS_KEY_PEER_PORT));
	if (ranges)
		ms_policy_probe_range(&range, remote, &m);
	ms_policy_probe(&key, remote, pkt->proto, 0, &m, !(absent & MS_KEY_PEER_PROTO));
	ms_policy_probe(&key, MS_IDENTITY_ANY, pkt->proto, port, &m, port && !(absent & MS_KEY_ANY_PORT));
	if (ranges)
		ms_policy_probe_range(&range, MS_IDENTITY_ANY, &m);
	ms_policy_probe(&key, MS_IDENTITY_ANY, pkt->proto, 0, &m, !(absent & MS_KEY_ANY_PROTO));
	ms_policy_probe(&key, remote, 0, 0, &m, !(absent & MS_KEY_PEER_ALL));
	ms_policy_probe(&key, MS_IDENTITY_ANY, 0, 0, &m, !(absent & MS_KEY_ANY_ALL));

	if (m.denied) {
		*rule_id = m.deny_rule;
		return MS_REASON_POLICY_DENY;
	}
	if (m.allowed) {
		*rule_id = m.allow_rule;
		return MS_REASON_POLICY_ALLOW;
	}
	*rule_id = 0;
	return (ep_flags & isolated) ? MS_REASON_DEFAULT_DENY : MS_REASON_DEFAULT_ALLOW;
}
