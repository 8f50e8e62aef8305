// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Baseline for the data-plane benchmarks: a TC program that does nothing. Every
 * figure of `make bench` is reported beside this program measured in the same run,
 * so the fixed cost of BPF_PROG_TEST_RUN (skb setup, timer) is visible.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int ms_bench_empty(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
