/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Anti-spoofing: what a workload sends must come from one of its own addresses
 * (ms_source_addrs), checked on every packet from the workload, before conntrack,
 * so no tracked flow can be borrowed with a forged source.
 */
#pragma once

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "maps.h"
#include "parse.h"

/* fe80::/10: derived by the kernel from the MAC, unknown to the control plane.
 * ::, the unspecified address: what the kernel sends duplicate-address-detection
 * and MLD messages from before an address is usable. Neither can impersonate a
 * workload, as neither maps to an identity. */
static __always_inline bool ms_is_ipv6_unowned_source(const struct ms_packet *pkt)
{
	__u8 any = 0;

	if (pkt->family != MS_FAMILY_IPV6)
		return false;
	if (pkt->saddr[0] == 0xfe && (pkt->saddr[1] & 0xc0) == 0x80)
		return true;
#pragma unroll
	for (int i = 0; i < 16; i++)
		any |= pkt->saddr[i];
	return any == 0;
}

/* Returns MS_REASON_SPOOFED when the source is not the workload's own, else 0. */
static __always_inline int ms_source_check(__u32 ifindex, __u8 ep_flags,
					   const struct ms_packet *pkt)
{
	struct ms_source_key key = { .ifindex = ifindex, .family = pkt->family };

	if (ep_flags & MS_EP_NO_SOURCE_CHECK)
		return 0;
	if (ms_is_ipv6_unowned_source(pkt))
		return 0;
	__builtin_memcpy(key.addr, pkt->saddr, 16);
	return bpf_map_lookup_elem(&ms_source_addrs, &key) ? 0 : MS_REASON_SPOOFED;
}
