/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Anti-spoofing: what a workload sends must come from one of its own addresses
 * (its endpoint entry's source4/source6, else ms_source_addrs), checked on every
 * packet from the workload, before conntrack, so no tracked flow can be borrowed
 * with a forged source.
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

/* Equal addresses of n bytes (4 or 16), compared a word at a time: both sides are
 * 4-byte aligned (offset 0 of ms_packet, offsets 8 and 12 of ms_endpoint). */
static __always_inline bool ms_addr_equal(const __u8 *a, const __u8 *b, int n)
{
	__u32 diff = 0;

#pragma unroll
	for (int i = 0; i < n; i += 4) {
		__u32 x, y;

		__builtin_memcpy(&x, a + i, 4);
		__builtin_memcpy(&y, b + i, 4);
		diff |= x ^ y;
	}
	return diff == 0;
}

/* The address is one of those the endpoint entry holds: no map probe. */
static __always_inline bool ms_addr_in_endpoint(const struct ms_endpoint *ep, __u8 family,
						const __u8 *addr)
{
	if (family == MS_FAMILY_IPV4)
		return (ep->source_flags & MS_EP_SOURCE_IPV4) &&
		       ms_addr_equal(addr, ep->source4, 4);
	return (ep->source_flags & MS_EP_SOURCE_IPV6) &&
	       ms_addr_equal(addr, ep->source6, 16);
}

static __always_inline bool ms_source_in_endpoint(const struct ms_endpoint *ep,
						  const struct ms_packet *pkt)
{
	return ms_addr_in_endpoint(ep, pkt->family, pkt->saddr);
}

/* A flow the peer opens (INGRESS): whether what the workload will send on it
 * passes the source check already, as the check itself would decide it from
 * the entry alone (no source check, or the flow's local address, the packet's
 * destination, held in the entry). Then the flow is created "local checked"
 * and the workload's first reply takes the fast path instead of looking up
 * the endpoint again; otherwise that reply is checked as before. Revoking the
 * address purges the flow either way (RevokedSources). */
static __always_inline bool ms_local_passes_check(const struct ms_endpoint *ep,
						  const struct ms_packet *pkt)
{
	return (ep->flags & MS_EP_NO_SOURCE_CHECK) ||
	       ms_addr_in_endpoint(ep, pkt->family, pkt->daddr);
}

/* Returns MS_REASON_SPOOFED when the source is not the workload's own, else 0. */
static __always_inline int ms_source_check(__u32 ifindex, const struct ms_endpoint *ep,
					   const struct ms_packet *pkt)
{
	struct ms_source_key key = { .ifindex = ifindex, .family = pkt->family };

	if (ep->flags & MS_EP_NO_SOURCE_CHECK)
		return 0;
	if (ms_source_in_endpoint(ep, pkt))
		return 0;
	if (ms_is_ipv6_unowned_source(pkt))
		return 0;
	/* The entry holds every address of the workload: nothing else is its own. */
	if (ep->source_flags & MS_EP_SOURCES_COMPLETE)
		return MS_REASON_SPOOFED;
	__builtin_memcpy(key.addr, pkt->saddr, 16);
	return bpf_map_lookup_elem(&ms_source_addrs, &key) ? 0 : MS_REASON_SPOOFED;
}
