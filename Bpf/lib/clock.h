/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The data path's clock: CLOCK_MONOTONIC at tick resolution (a few ms), precise
 * enough for idle timeouts, the event rate limit and event timestamps. Read once
 * per packet.
 *
 * bpf_ktime_get_coarse_ns() is a helper call that reads the timekeeper under its
 * sequence lock: ≈ 10–25 ns, a sixth of an established packet's cost. The coarse
 * clock only moves at a tick, so each CPU keeps the value it read at the first
 * packet of the current tick and reuses it while bpf_jiffies64() (inlined by the
 * verifier into one load) says the tick is the same. Semantics stay those of the
 * coarse clock: monotonic, never ahead of CLOCK_MONOTONIC; a value cached just
 * before the timekeeper's update of the same tick lags by up to one tick more
 * (two in all), which no timeout or rate notices.
 */
#pragma once

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"

static __always_inline __u64 ms_now(void)
{
	__u32 zero = 0;
	struct ms_clock_cache *cache = bpf_map_lookup_elem(&ms_clock, &zero);
	__u64 jiffies = bpf_jiffies64();

	if (!cache)
		return bpf_ktime_get_coarse_ns();
	/* Per-CPU and no preemption inside a TC program: plain reads and writes. */
	if (cache->jiffies != jiffies) {
		cache->ns = bpf_ktime_get_coarse_ns();
		cache->jiffies = jiffies;
	}
	return cache->ns;
}
