/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-packet pipeline shared by both hooks: parse -> one clock read ->
 * conntrack. A packet of a live flow is decided there (the fast path: one
 * lookup), unless the workload sends it on a flow whose local address was never
 * checked. Everything else: endpoint -> source check (from the workload) ->
 * later fragments follow their first fragment -> a reply the workload sends on
 * a flow the peer opened, or an ICMP error about a flow -> identity -> policy ->
 * conntrack create (first fragments leave their verdict for the rest), and one
 * exit (ms_finish) that turns a reason into a verdict, counters and a
 * rate-limited event.
 *
 * A live flow needs no endpoint entry: its verdict was given when it was
 * created, and packets of an interface without an endpoint pass anyway.
 *
 * A new flow whose entry is still in the table (expired, or closed and
 * reopened: a reused port) gets that entry rewritten in place, not a new one.
 */
#pragma once

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"
#include "source.h"
#include "conntrack.h"
#include "policy.h"
#include "fragments.h"
#include "events.h"
#include "monitor.h"

struct ms_ctx {
	struct ms_packet pkt;
	struct ms_event_info info; /* ifindex, identities, rule, direction */
	__u64 now; /* the packet's one clock read (0 before parsing) */
	__u8 mode;
	__u8 report; /* emit a flow event (new flow or denial) */
};

static __always_inline bool ms_reason_denies(int reason)
{
	return reason == MS_REASON_POLICY_DENY || reason == MS_REASON_DEFAULT_DENY ||
	       reason == MS_REASON_MALFORMED || reason == MS_REASON_SPOOFED ||
	       reason == MS_REASON_FRAGMENT_DENIED || reason == MS_REASON_FRAGMENT_UNKNOWN;
}

static __always_inline int ms_finish(struct ms_ctx *c, int reason)
{
	__u8 verdict = MS_VERDICT_ALLOWED;

	if (ms_reason_denies(reason))
		verdict = c->mode == MS_MODE_MONITOR ? MS_VERDICT_WOULD_DENY :
						       MS_VERDICT_DENIED;
	c->info.reason = reason;
	c->info.verdict = verdict;

	ms_stats_bump(reason);
	ms_stats_bump(MS_STATS_VERDICT_BASE + verdict);
	if (verdict == MS_VERDICT_WOULD_DENY)
		ms_would_deny_bump(&c->info);
	if (c->report)
		ms_emit_event(&c->info, &c->pkt, c->now ? c->now : ms_now());
	return verdict == MS_VERDICT_DENIED ? TC_ACT_SHOT : TC_ACT_OK;
}

/* The endpoint of the interface, with its mode and identity noted in c. */
static __always_inline struct ms_endpoint *ms_endpoint_of(struct ms_ctx *c)
{
	struct ms_endpoint *ep = bpf_map_lookup_elem(&ms_endpoints, &c->info.ifindex);

	if (ep) {
		c->mode = ep->mode;
		c->info.local_identity = ep->identity;
	}
	return ep;
}

/* One exit (ms_finish): "account" (a live flow) falls through to "decided"
 * (conntrack or policy gave the reason), which falls through to "finish"; only a
 * live flow's unfragmented packet leaves early, as ms_finish would count it. */
static __always_inline int ms_handle(struct __sk_buff *skb, __u8 dir)
{
	struct ms_ctx c = {};
	struct ms_endpoint *ep;
	struct ms_ct_entry *ct = NULL, *dead = NULL;
	__u32 ifindex = skb->ifindex;
	bool reply = false;
	int reason, rc;

	c.info.ifindex = ifindex;
	c.info.direction = dir;

	reason = ms_parse(skb, &c.pkt);
	if (reason) {
		/* Unmanaged interfaces pass whatever they carry. */
		if (!ms_endpoint_of(&c))
			reason = MS_REASON_NO_ENDPOINT;
		goto finish;
	}

	c.now = ms_now();
	if (c.pkt.frag != MS_FRAG_LATER) {
		ct = ms_ct_find(ifindex, dir, &c.pkt, c.now, &reply, &dead);
		/* The fast path: the workload opened the flow, or already answered on it. */
		if (ct && (dir == MS_DIR_INGRESS || ms_ct_local_checked(ct)))
			goto account;
	}

	ep = ms_endpoint_of(&c);
	if (!ep) {
		reason = MS_REASON_NO_ENDPOINT;
		goto finish;
	}

	if (dir == MS_DIR_EGRESS) {
		reason = ms_source_check(ifindex, ep, &c.pkt);
		if (reason) {
			c.report = 1;
			goto finish;
		}
	}

	if (c.pkt.frag == MS_FRAG_LATER) {
		reason = ms_frag_follow(ifindex, dir, &c.pkt, c.now, &c.info.rule_id);
		c.report = reason == MS_REASON_FRAGMENT_UNKNOWN;
		goto finish;
	}

	if (ct) {
		/* The workload's first packet on a flow the peer opened: its address
		 * passed the check above, so later ones take the fast path. */
		ct->flags |= MS_CT_F_LOCAL_CHECKED;
		goto account;
	}

	if (c.pkt.icmp_error) {
		reason = ms_ct_related(ifindex, dir, &c.pkt, c.now, &c.info.rule_id,
				       &c.info.remote_identity);
		if (reason)
			goto decided;
	}

	c.info.remote_identity = ms_remote_identity(&c.pkt, dir);
	reason = ms_policy_decide(ifindex, dir, ep->flags,
				  dir == MS_DIR_INGRESS ? ep->absent_ingress : ep->absent_egress,
				  c.info.remote_identity, &c.pkt, &c.info.rule_id);
	if (!ms_reason_denies(reason)) {
		__u32 flags = dir == MS_DIR_INGRESS && ms_local_passes_check(ep, &c.pkt) ?
				      MS_CT_F_LOCAL_CHECKED : 0;

		rc = ms_ct_create(ifindex, dir, &c.pkt, skb->len, c.now, c.info.rule_id,
				  c.info.remote_identity, flags, dead);
		if (rc > 0) {
			ms_stats_bump(MS_STATS_CT_CREATED);
			/* Per family, so user space can tell each map's fill
			 * from its own size (the maps are sized apart). */
			if (c.pkt.family == MS_FAMILY_IPV6)
				ms_stats_bump(MS_STATS_CT6_CREATED);
		}
		else if (rc < 0)
			ms_stats_bump(MS_STATS_CT_CREATE_FAILED);
	}
	c.report = 1;
	goto decided;

account:
	reason = ms_ct_account(ct, ifindex, reply, &c.pkt, skb->len, c.now, &c.info.rule_id);
	/* The established path's own exit: what ms_finish would do for a live flow's
	 * packet (allowed, no event, not a first fragment), without its branches. */
	if (c.pkt.frag == MS_FRAG_NONE) {
		ms_stats_bump(reason);
		ms_stats_bump(MS_STATS_VERDICT_BASE + MS_VERDICT_ALLOWED);
		return TC_ACT_OK;
	}
decided:
	/* A first fragment leaves its verdict for the later ones. */
	if (c.pkt.frag == MS_FRAG_FIRST &&
	    !ms_frag_track(ifindex, dir, &c.pkt, c.now, ms_reason_denies(reason), c.info.rule_id))
		ms_stats_bump(MS_STATS_FRAG_TRACKED);
finish:
	return ms_finish(&c, reason);
}
