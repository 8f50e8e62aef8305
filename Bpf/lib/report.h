/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow reports: what a long-lived allowed flow carries after the event that
 * opened it. The flow's conntrack entry counts its packets and bytes; once per
 * report interval (ms_config.report_interval_ns) the flow's next packet writes
 * the growth since the previous report to ms_events (struct ms_flow_report), so
 * user space never reads the conntrack table to learn it.
 *
 * Cost: the established path calls in here only when it refreshes the entry's
 * last_seen_ns (at most once a second per flow, ms_ct_touch) or when a TCP flow
 * closes; every other packet pays nothing (A/B: docs/benchmarks.md, issue 17,
 * fifth session). A report that cannot be written now
 * (its rate limit, a full ring) leaves the entry as it was, so a later packet
 * reports the growth: it is late, never lost while the flow lives.
 */
#pragma once

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"
#include "events.h"

/* The report interval, and the policy revision reports carry; NULL when the
 * config entry is missing (never, for an ARRAY). */
static __always_inline struct ms_config *ms_report_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ms_config, &zero);
}

/* Whether the entry's growth is to be reported now: the interval has passed since
 * the last report (or the creation), or the flow closed (force). */
static __always_inline bool ms_report_due(__u64 interval, __u64 reported, __u64 now, bool force)
{
	if (!interval)
		return false; /* reports off */
	return force || (now > reported && now - reported >= interval);
}

/* Claims the report due at `reported` and records the totals it covers; false
 * when another CPU claimed it first (a flow's two directions may run on two
 * CPUs at once), so each growth is reported once. */
static __always_inline bool ms_report_claim(struct ms_ct_entry *e, __u64 reported, __u64 now,
					    __u64 packets, __u64 bytes)
{
	if (__sync_val_compare_and_swap(&e->reported_ns, reported, now) != reported)
		return false;
	e->reported_packets = packets;
	e->reported_bytes = bytes;
	return true;
}

/* The record: the flow as its first packet went (this packet, or this reply
 * turned around), so user space sums it under the key of the opening event. */
static __always_inline void ms_report_fill(struct ms_flow_report *r, const struct ms_ct_entry *e,
					   __u32 ifindex, __u32 local_identity, bool reply,
					   const struct ms_packet *pkt, __u64 revision, __u64 now)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->flow.timestamp_ns = now;
	r->flow.policy_revision = revision;
	r->flow.ifindex = ifindex;
	r->flow.local_identity = local_identity;
	r->flow.remote_identity = e->remote_identity;
	r->flow.rule_id = e->rule_id;
	r->flow.family = pkt->family;
	r->flow.proto = pkt->proto;
	r->flow.direction = e->direction;
	r->flow.verdict = MS_VERDICT_ALLOWED;
	r->flow.reason = e->rule_id ? MS_REASON_POLICY_ALLOW : MS_REASON_DEFAULT_ALLOW;
	r->flow.kind = MS_RECORD_FLOW_REPORT;
	if (!reply) {
		r->flow.sport = pkt->sport;
		r->flow.dport = pkt->dport;
		__builtin_memcpy(r->flow.saddr, pkt->saddr, 16);
		__builtin_memcpy(r->flow.daddr, pkt->daddr, 16);
	} else {
		r->flow.sport = pkt->dport;
		r->flow.dport = pkt->sport;
		__builtin_memcpy(r->flow.saddr, pkt->daddr, 16);
		__builtin_memcpy(r->flow.daddr, pkt->saddr, 16);
	}
}

#define MS_REPORT_REPLY 0x1 /* the packet went the other way than the flow's first */
#define MS_REPORT_CLOSE 0x2 /* the flow closed: report what is left now, due or not */

/* Reports the flow's growth when due. Monitor-mode endpoints get no reports (as
 * flow samples had no conntrack counts for them): their growth is claimed and
 * passed over, so a later switch to protect does not report it.
 * A BPF subprogram, not inlined: the established path calls it from two rare
 * branches (the once-a-second refresh, a TCP close), so its body is in the program
 * once and the common packet pays only the two branches it took before (five
 * arguments at most: reply and close travel as flags in how). */

static __noinline void ms_flow_report(struct ms_ct_entry *e, __u32 ifindex,
				      const struct ms_packet *pkt, __u64 now, __u32 how)
{
	bool reply = how & MS_REPORT_REPLY, force = how & MS_REPORT_CLOSE;
	struct ms_config *cfg = ms_report_config();
	__u64 reported = e->reported_ns;
	__u64 packets, bytes, grown_packets, grown_bytes;
	struct ms_event_bucket *cpu;
	struct ms_flow_report *r;
	struct ms_endpoint *ep;

	if (!cfg || !ms_report_due(cfg->report_interval_ns, reported, now, force))
		return;
	packets = e->packets_orig + e->packets_reply;
	bytes = e->bytes_orig + e->bytes_reply;
	/* Lost racy increments may leave a total below what was reported: no growth. */
	grown_packets = packets > e->reported_packets ? packets - e->reported_packets : 0;
	grown_bytes = bytes > e->reported_bytes ? bytes - e->reported_bytes : 0;
	if (!grown_packets && !grown_bytes)
		return;
	ep = bpf_map_lookup_elem(&ms_endpoints, &ifindex);
	if (!ep || ep->mode == MS_MODE_MONITOR) {
		ms_report_claim(e, reported, now, packets, bytes);
		return;
	}
	cpu = ms_event_cpu();
	if (cpu && !ms_bucket_take(&cpu->report_tokens_ns, &cpu->report_last_ns, now)) {
		ms_stats_bump(MS_STATS_REPORTS_DEFERRED);
		return;
	}
	r = bpf_ringbuf_reserve(&ms_events, sizeof(*r), 0);
	if (!r) {
		ms_stats_bump(MS_STATS_REPORTS_DEFERRED);
		return;
	}
	if (!ms_report_claim(e, reported, now, packets, bytes)) {
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
		return;
	}
	ms_report_fill(r, e, ifindex, ep->identity, reply, pkt, cfg->policy_revision, now);
	r->packets = grown_packets;
	r->bytes = grown_bytes;
	ms_stats_bump(MS_STATS_REPORTS);
	bpf_ringbuf_submit(r, ms_event_wakeup(cpu));
}
