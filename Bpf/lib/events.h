/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-CPU counters and ring-buffer flow events. */
#pragma once

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"

static __always_inline void ms_stats_bump(__u32 index)
{
	__u64 *count = bpf_map_lookup_elem(&ms_stats, &index);

	if (count)
		*count += 1; /* per-CPU slot: no atomics needed */
}

/* Event rate limit settings (defaults; user space overwrites them before load). */
const volatile struct ms_event_limit ms_event_limit SEC(".rodata.ev") = {
	.events_per_sec = 10000,
	.burst = 20000,
	.wakeup_every = 128,
};

#define MS_NS_PER_SEC 1000000000ULL
/* Refill at most this much idle time at once (keeps tokens * 1e9 in range). */
#define MS_EVENT_REFILL_MAX_NS (16ULL * MS_NS_PER_SEC)

/* This CPU's event state: its token bucket and its count of unwoken events. */
static __always_inline struct ms_event_bucket *ms_event_cpu(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ms_event_budget, &zero);
}

/* Per-CPU token bucket (tokens * 1e9 and the last refill time): true when a record
 * may be emitted now. Per-CPU data and no preemption inside a TC program: plain
 * reads and writes suffice. */
static __always_inline bool ms_bucket_take(__u64 *tokens_ns, __u64 *last_ns, __u64 now)
{
	__u64 rate = ms_event_limit.events_per_sec;
	__u64 cap = ms_event_limit.burst * MS_NS_PER_SEC;
	__u64 elapsed, tokens;

	if (!rate)
		return true;
	if (!*last_ns) {
		*tokens_ns = cap; /* first use on this CPU: full bucket */
		*last_ns = now;
	}
	elapsed = now > *last_ns ? now - *last_ns : 0;
	if (elapsed > MS_EVENT_REFILL_MAX_NS)
		elapsed = MS_EVENT_REFILL_MAX_NS;
	tokens = *tokens_ns + elapsed * rate;
	if (tokens > cap)
		tokens = cap;
	*last_ns = now;
	if (tokens < MS_NS_PER_SEC) {
		*tokens_ns = tokens;
		return false;
	}
	*tokens_ns = tokens - MS_NS_PER_SEC;
	return true;
}

/* True when an event may be emitted now. */
static __always_inline bool ms_event_admit(struct ms_event_bucket *b, __u64 now)
{
	return !b || ms_bucket_take(&b->tokens_ns, &b->last_ns, now);
}

static __always_inline __u64 ms_policy_revision(void)
{
	__u32 zero = 0;
	struct ms_config *cfg = bpf_map_lookup_elem(&ms_config, &zero);

	return cfg ? cfg->policy_revision : 0;
}

struct ms_event_info {
	__u32 ifindex;
	__u32 local_identity;
	__u32 remote_identity;
	__u32 rule_id;
	__u8 direction;
	__u8 verdict;
	__u8 reason;
};

/* Submit flags. A CPU wakes the reader every ms_event_limit.wakeup_every events;
 * the others are submitted without a wakeup, and the agent reads them on its own
 * timer (every 200 ms). A wakeup costs the submitting packet an irq_work (a
 * self-IPI: ≈ 10 µs in a VM) whenever the reader has caught up, which a prompt
 * reader always has: with the kernel's default, every new flow of a node with a
 * modest event rate paid it. User space sizes wakeup_every so that CPUs × it
 * records are at most half the ring (at most 1,024): a reader that sleeps until
 * woken still finds room. */
static __always_inline __u64 ms_event_wakeup(struct ms_event_bucket *b)
{
	if (!b || !ms_event_limit.wakeup_every)
		return 0; /* the kernel's default: wake when the reader has caught up */
	if (++b->unwoken < ms_event_limit.wakeup_every)
		return BPF_RB_NO_WAKEUP;
	b->unwoken = 0;
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline void ms_emit_event(const struct ms_event_info *info,
					  const struct ms_packet *pkt, __u64 now)
{
	struct ms_event_bucket *cpu = ms_event_cpu();
	struct ms_flow_event *ev;

	if (!ms_event_admit(cpu, now)) {
		ms_stats_bump(MS_STATS_EVENTS_SUPPRESSED);
		return;
	}
	ev = bpf_ringbuf_reserve(&ms_events, sizeof(*ev), 0);
	if (!ev) {
		/* A slow reader must not change verdicts; just count the loss. */
		ms_stats_bump(MS_REASON_EVENT_LOST);
		return;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->timestamp_ns = now;
	ev->policy_revision = ms_policy_revision();
	ev->ifindex = info->ifindex;
	ev->local_identity = info->local_identity;
	ev->remote_identity = info->remote_identity;
	ev->rule_id = info->rule_id;
	ev->sport = pkt->sport;
	ev->dport = pkt->dport;
	ev->family = pkt->family;
	ev->proto = pkt->proto;
	ev->direction = info->direction;
	ev->verdict = info->verdict;
	ev->reason = info->reason;
	__builtin_memcpy(ev->saddr, pkt->saddr, 16);
	__builtin_memcpy(ev->daddr, pkt->daddr, 16);
	bpf_ringbuf_submit(ev, ms_event_wakeup(cpu));
}
