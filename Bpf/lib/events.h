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

static __always_inline void ms_emit_event(const struct ms_event_info *info,
					  const struct ms_packet *pkt)
{
	struct ms_flow_event *ev;

	ev = bpf_ringbuf_reserve(&ms_events, sizeof(*ev), 0);
	if (!ev) {
		/* A slow reader must not change verdicts; just count the loss. */
		ms_stats_bump(MS_REASON_EVENT_LOST);
		return;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->timestamp_ns = bpf_ktime_get_ns();
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
	bpf_ringbuf_submit(ev, 0);
}
