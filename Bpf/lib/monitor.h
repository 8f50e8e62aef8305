/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Monitor mode's own counters: what would have been dropped, per rule. */
#pragma once

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "events.h"

/* Counts one would-deny packet under its endpoint, direction, rule and reason. */
static __always_inline void ms_would_deny_bump(const struct ms_event_info *info)
{
	struct ms_would_deny_key key = {
		.ifindex = info->ifindex,
		.rule_id = info->rule_id,
		.direction = info->direction,
		.reason = info->reason,
	};
	__u64 one = 1;
	__u64 *count = bpf_map_lookup_elem(&ms_would_deny, &key);

	if (count) {
		*count += 1; /* per-CPU value: no atomics needed */
		return;
	}
	/* First packet of this key on any CPU; a racing insert on another CPU
	 * loses one packet at most, never the counter. */
	bpf_map_update_elem(&ms_would_deny, &key, &one, BPF_NOEXIST);
}
