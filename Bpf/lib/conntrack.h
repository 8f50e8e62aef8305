/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Connection tracking. One entry per flow per endpoint, keyed from the
 * workload's side (local address and port, remote address and port), so a
 * packet of either direction finds its flow with one lookup: in ms_conntrack4
 * (20-byte key) for IPv4, ms_conntrack6 (44-byte key) for IPv6. The entry keeps
 * the direction (program) that saw the first packet: a packet in the same
 * program is "established", in the other one a "reply".
 *
 * TCP follows SYN -> SYN-ACK -> ESTABLISHED -> FIN -> CLOSED (RST: CLOSED at
 * once); UDP, ICMP and other protocols are pseudo-connections. Every state has
 * an idle timeout (ms_ct_timeouts): an expired entry is a miss, so the flow is
 * evaluated by policy again; user space deletes expired entries (GC).
 */
#pragma once

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"
#include "clock.h"
#include "report.h"

/* Defaults; user space overwrites them between open and load. */
const volatile struct ms_ct_timeouts ms_ct_timeouts SEC(".rodata.ct") = {
	.tcp_syn_ns = 60ULL * 1000000000,
	.tcp_established_ns = 6ULL * 3600 * 1000000000,
	.tcp_fin_ns = 30ULL * 1000000000,
	.tcp_closed_ns = 10ULL * 1000000000,
	.udp_ns = 60ULL * 1000000000,
	.icmp_ns = 30ULL * 1000000000,
	.other_ns = 60ULL * 1000000000,
};

/* A flow's key in its family's map: v4 in ms_conntrack4, v6 in ms_conntrack6. */
union ms_ct_any_key {
	struct ms_ct4_key v4;
	struct ms_ct_key v6;
};

/* The key of a flow at this endpoint from its local and remote ends. Only the
 * family's member is written (and read: ms_ct_lookup, ms_ct_insert). */
static __always_inline void ms_ct_key_set(union ms_ct_any_key *key, __u32 ifindex,
					  __u8 family, __u8 proto, __u16 lport, __u16 rport,
					  const __u8 *laddr, const __u8 *raddr)
{
	if (family == MS_FAMILY_IPV4) {
		key->v4.ifindex = ifindex;
		key->v4.proto = proto;
		key->v4.pad[0] = 0;
		key->v4.pad[1] = 0;
		key->v4.pad[2] = 0;
		key->v4.lport = lport;
		key->v4.rport = rport;
		__builtin_memcpy(key->v4.laddr, laddr, 4);
		__builtin_memcpy(key->v4.raddr, raddr, 4);
	} else {
		key->v6.ifindex = ifindex;
		key->v6.family = family;
		key->v6.proto = proto;
		key->v6.pad = 0;
		key->v6.lport = lport;
		key->v6.rport = rport;
		__builtin_memcpy(key->v6.laddr, laddr, 16);
		__builtin_memcpy(key->v6.raddr, raddr, 16);
	}
}

/* The key of the packet's flow at this endpoint. The workload is the source of
 * what it sends (EGRESS) and the destination of what it receives (INGRESS). */
static __always_inline void ms_ct_key_fill(union ms_ct_any_key *key, __u32 ifindex,
					   __u8 dir, const struct ms_packet *pkt)
{
	if (dir == MS_DIR_EGRESS)
		ms_ct_key_set(key, ifindex, pkt->family, pkt->proto, pkt->sport, pkt->dport,
			      pkt->saddr, pkt->daddr);
	else
		ms_ct_key_set(key, ifindex, pkt->family, pkt->proto, pkt->dport, pkt->sport,
			      pkt->daddr, pkt->saddr);
}

/* Each family's map has its own call site. Without the barrier clang merges the
 * two calls into one whose map is chosen at run time; the verifier then sees two
 * maps reach one call and neither inlines the lookup nor calls the map's own
 * function directly: every packet would pay the generic helper's indirect call. */
static __always_inline struct ms_ct_entry *ms_ct_lookup(const union ms_ct_any_key *key,
							__u8 family)
{
	struct ms_ct_entry *e;

	if (family == MS_FAMILY_IPV4) {
		e = bpf_map_lookup_elem(&ms_conntrack4, &key->v4);
		barrier_var(e);
		return e;
	}
	return bpf_map_lookup_elem(&ms_conntrack6, &key->v6);
}

static __always_inline long ms_ct_insert(const union ms_ct_any_key *key, __u8 family,
					 const struct ms_ct_entry *e)
{
	long rc;

	if (family == MS_FAMILY_IPV4) {
		rc = bpf_map_update_elem(&ms_conntrack4, &key->v4, e, BPF_ANY);
		barrier_var(rc);
		return rc;
	}
	return bpf_map_update_elem(&ms_conntrack6, &key->v6, e, BPF_ANY);
}

static __always_inline __u64 ms_ct_timeout(__u8 proto, __u8 state)
{
	switch (proto) {
	case IPPROTO_TCP:
		switch (state) {
		case MS_CT_STATE_SYN_SENT:
		case MS_CT_STATE_SYN_RECV:
			return ms_ct_timeouts.tcp_syn_ns;
		case MS_CT_STATE_FIN_WAIT:
			return ms_ct_timeouts.tcp_fin_ns;
		case MS_CT_STATE_CLOSED:
			return ms_ct_timeouts.tcp_closed_ns;
		default:
			return ms_ct_timeouts.tcp_established_ns;
		}
	case IPPROTO_UDP:
		return ms_ct_timeouts.udp_ns;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return ms_ct_timeouts.icmp_ns;
	default:
		return ms_ct_timeouts.other_ns;
	}
}

static __always_inline bool ms_tcp_is_open(__u8 flags)
{
	return (flags & (MS_TCP_SYN | MS_TCP_ACK | MS_TCP_RST | MS_TCP_FIN)) == MS_TCP_SYN;
}

/* TCP state after this segment (reply: seen in the reply direction). Racy plain
 * stores are fine: every writer moves the state forward, and a lost update only
 * shortens or lengthens one timeout. True when this segment closed the flow. */
static __always_inline bool ms_ct_tcp_advance(struct ms_ct_entry *e, __u8 tcp_flags,
					      bool reply)
{
	__u8 state = e->state;
	__u32 flags = e->flags;

	if (tcp_flags & MS_TCP_RST) {
		state = MS_CT_STATE_CLOSED;
	} else if (tcp_flags & MS_TCP_FIN) {
		flags |= reply ? MS_CT_F_FIN_REPLY : MS_CT_F_FIN_ORIG;
		state = (flags & (MS_CT_F_FIN_ORIG | MS_CT_F_FIN_REPLY)) ==
				(MS_CT_F_FIN_ORIG | MS_CT_F_FIN_REPLY) ?
			MS_CT_STATE_CLOSED : MS_CT_STATE_FIN_WAIT;
	} else if (reply && state == MS_CT_STATE_SYN_SENT &&
		   (tcp_flags & (MS_TCP_SYN | MS_TCP_ACK)) == (MS_TCP_SYN | MS_TCP_ACK)) {
		state = MS_CT_STATE_SYN_RECV;
	} else if (!reply && state == MS_CT_STATE_SYN_RECV && (tcp_flags & MS_TCP_ACK)) {
		state = MS_CT_STATE_ESTABLISHED;
	}
	if (flags != e->flags)
		e->flags = flags;
	if (state == e->state)
		return false;
	e->state = state;
	return state == MS_CT_STATE_CLOSED;
}

/* last_seen_ns is refreshed at most once per this interval, so a busy flow does
 * not store to it on every packet; expiry is therefore up to this much early. */
#define MS_CT_REFRESH_NS 1000000000ULL

/* A usable entry: not idle past its timeout, and not a closed TCP flow that a
 * new SYN reopens (port reuse: the new connection is evaluated by policy).
 * last_seen may be slightly ahead of the coarse clock (written by user space
 * with the precise one): that is "just seen", not a wrap-around. */
static __always_inline bool ms_ct_live(const struct ms_ct_entry *e,
				       const struct ms_packet *pkt, __u64 now)
{
	__u64 last = e->last_seen_ns;

	if (now > last && now - last > ms_ct_timeout(pkt->proto, e->state))
		return false;
	if (pkt->proto == IPPROTO_TCP && e->state == MS_CT_STATE_CLOSED &&
	    ms_tcp_is_open(pkt->tcp_flags))
		return false;
	return true;
}

/* True when last_seen_ns was refreshed: at most once per MS_CT_REFRESH_NS per flow,
 * which is when a flow report may be due (report.h). */
static __always_inline bool ms_ct_touch(struct ms_ct_entry *e, __u64 now)
{
	if (now <= e->last_seen_ns + MS_CT_REFRESH_NS)
		return false;
	e->last_seen_ns = now;
	return true;
}

/* The live entry of the packet's flow, or NULL. *reply: the packet goes the
 * other way than the flow's first packet. Nothing is accounted yet: the caller
 * may still refuse the packet (a source check on a flow the peer opened).
 * *dead: the flow's entry when it is there but not live (expired, or closed
 * and reopened by a SYN), for ms_ct_create to reuse. */
static __always_inline struct ms_ct_entry *ms_ct_find(__u32 ifindex, __u8 dir,
						      const struct ms_packet *pkt,
						      __u64 now, bool *reply,
						      struct ms_ct_entry **dead)
{
	union ms_ct_any_key key;
	struct ms_ct_entry *e;

	ms_ct_key_fill(&key, ifindex, dir, pkt);
	e = ms_ct_lookup(&key, pkt->family);
	if (!e)
		return NULL;
	if (!ms_ct_live(e, pkt, now)) {
		*dead = e;
		return NULL;
	}
	*reply = e->direction != dir;
	return e;
}

/* Accounts a packet of a live flow and reports the flow's growth when due (the
 * entry's once-a-second refresh, or a TCP close); returns MS_REASON_CT_ESTABLISHED
 * or MS_REASON_CT_REPLY. Per-flow counters are plain adds, not atomics: packets
 * of one flow in one direction rarely run on two CPUs at once, and a lost
 * increment only makes the (statistical) counters a little low. Flag bits are
 * only ever set, so racy plain stores lose at most a bit that a later packet
 * sets again (32-bit atomics would need -mcpu=v3). */
static __always_inline int ms_ct_account(struct ms_ct_entry *e, __u32 ifindex, bool reply,
					 const struct ms_packet *pkt, __u32 len, __u64 now,
					 __u32 *rule_id)
{
	__u32 how = reply ? MS_REPORT_REPLY : 0;

	if (!reply) {
		e->packets_orig += 1;
		e->bytes_orig += len;
	} else {
		e->packets_reply += 1;
		e->bytes_reply += len;
		if (!(e->flags & MS_CT_F_SEEN_REPLY))
			e->flags |= MS_CT_F_SEEN_REPLY;
	}
	if (pkt->proto == IPPROTO_TCP && ms_ct_tcp_advance(e, pkt->tcp_flags, reply))
		ms_flow_report(e, ifindex, pkt, now, how | MS_REPORT_CLOSE);
	if (ms_ct_touch(e, now))
		ms_flow_report(e, ifindex, pkt, now, how);
	*rule_id = e->rule_id;
	return reply ? MS_REASON_CT_REPLY : MS_REASON_CT_ESTABLISHED;
}

/* Whether what the workload sends on this flow may skip the source check: its
 * address in the flow was checked when it opened the flow, or, on a flow the
 * peer opened, when the flow was created (the endpoint entry alone decided it:
 * ms_local_passes_check) or on the workload's first reply
 * (MS_CT_F_LOCAL_CHECKED). */
static __always_inline bool ms_ct_local_checked(const struct ms_ct_entry *e)
{
	return e->direction == MS_DIR_EGRESS || (e->flags & MS_CT_F_LOCAL_CHECKED);
}

/* An ICMP error about a tracked flow. The quoted packet is one the error's
 * receiver sent: the workload when the error comes in (INGRESS), the peer when
 * the workload sends it (EGRESS); either way it names the flow's key. Returns
 * MS_REASON_CT_RELATED (with the flow's rule and peer) or 0. Not accounted:
 * errors are not the flow's traffic. */
static __always_inline int ms_ct_related(__u32 ifindex, __u8 dir, const struct ms_packet *pkt,
					 __u64 now, __u32 *rule_id, __u32 *remote_identity)
{
	const struct ms_inner_tuple *t = &pkt->inner;
	union ms_ct_any_key key;
	struct ms_ct_entry *e;

	if (dir == MS_DIR_INGRESS)
		ms_ct_key_set(&key, ifindex, pkt->family, t->proto, t->sport, t->dport,
			      t->saddr, t->daddr);
	else
		ms_ct_key_set(&key, ifindex, pkt->family, t->proto, t->dport, t->sport,
			      t->daddr, t->saddr);
	e = ms_ct_lookup(&key, pkt->family);
	if (!e)
		return 0;
	if (now > e->last_seen_ns && now - e->last_seen_ns > ms_ct_timeout(t->proto, e->state))
		return 0;
	*rule_id = e->rule_id;
	*remote_identity = e->remote_identity;
	return MS_REASON_CT_RELATED;
}

/* Creates the entry of a flow policy allowed. TCP: a SYN opens the flow; a
 * plain segment (ACK/data) that policy allows is picked up mid-stream as
 * ESTABLISHED (e.g. after an LRU eviction); SYN-ACK, FIN and RST without
 * state pass when allowed but are never tracked, so they open nothing. */
/* A dead entry of the same flow (ms_ct_find) is rewritten in place: a port
 * reused within the table's memory (busy clients cycle their ports in
 * seconds) costs a 64-byte store instead of an LRU insert, which takes a
 * cold element and replaces the old one. Returns 1 when an entry was written,
 * 0 when the packet opens nothing, a negative errno when the insert failed.
 * flags: MS_CT_F_* the entry starts with (MS_CT_F_LOCAL_CHECKED). */
static __always_inline int ms_ct_create(__u32 ifindex, __u8 dir,
					const struct ms_packet *pkt, __u32 len, __u64 now,
					__u32 rule_id, __u32 remote_identity, __u32 flags,
					struct ms_ct_entry *dead)
{
	union ms_ct_any_key key;
	struct ms_ct_entry e = {};
	long rc;

	if (pkt->proto == IPPROTO_TCP) {
		if (ms_tcp_is_open(pkt->tcp_flags)) {
			e.state = MS_CT_STATE_SYN_SENT;
		} else if (pkt->tcp_flags & (MS_TCP_SYN | MS_TCP_FIN | MS_TCP_RST)) {
			return 0;
		} else {
			e.state = MS_CT_STATE_ESTABLISHED;
			flags |= MS_CT_F_MIDSTREAM;
		}
	}
	e.flags = flags;
	e.direction = dir;
	e.reported_ns = now;
	e.last_seen_ns = now;
	e.packets_orig = 1;
	e.bytes_orig = len;
	e.rule_id = rule_id;
	e.remote_identity = remote_identity;
	if (dead) {
		*dead = e;
		return 1;
	}
	ms_ct_key_fill(&key, ifindex, dir, pkt);
	/* A failed insert only costs a re-evaluation of the next packet. */
	rc = ms_ct_insert(&key, pkt->family, &e);
	return rc ? (int)rc : 1;
}
