// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * MicroSeg TC entry programs, attached to the host side of each workload veth.
 * Directions are the workload's: TC ingress of the host veth carries what the
 * workload sends (EGRESS), TC egress carries what it receives (INGRESS).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "microseg.h"
#include "datapath.h"

/*
 * BTF anchor. clang describes in BTF only the types of maps, globals and function
 * signatures; the event struct (used through a ring-buffer pointer) and the enums would
 * otherwise be missing, and user space checks its mirrors of all of them against this
 * object's BTF. Costs one small read-only .rodata map; never read by the programs.
 */
struct ms_btf_anchor {
	struct ms_flow_event event;
	struct ms_flow_report report;
	enum ms_record_kind kind;
	enum ms_family family;
	enum ms_identity identity;
	enum ms_direction direction;
	enum ms_action action;
	enum ms_mode mode;
	enum ms_verdict verdict;
	enum ms_reason reason;
	enum ms_ct_state ct_state;
};

const volatile struct ms_btf_anchor ms_btf_anchor;

SEC("tc")
int ms_from_workload(struct __sk_buff *skb)
{
	return ms_handle(skb, MS_DIR_EGRESS);
}

SEC("tc")
int ms_to_workload(struct __sk_buff *skb)
{
	return ms_handle(skb, MS_DIR_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
