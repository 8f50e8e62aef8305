/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * MicroSeg data-plane ABI: every map key/value, event struct, enum and reason
 * code shared between the BPF programs and user space (MicroSeg.Bpf mirrors
 * these structs; a test compares the mirror with this object's BTF).
 *
 * Rules: numbers in the enums below are an ABI. Never renumber; retire a code
 * by leaving a gap. Structs have explicit padding so the layout is the same
 * for every compiler and for the C# [StructLayout(Sequential)] mirror.
 */
#pragma once

#include <linux/types.h>

/* Version of the layout of every pinned map's key and value. Bump it with any
 * change of one: the size of ms_abi is this number, so the loader refuses pins
 * made with another layout, even one of the same byte sizes. */
#define MS_ABI_VERSION 6

/* Address families as stored in keys and events (not AF_*: stable and small). */
enum ms_family {
	MS_FAMILY_IPV4 = 4,
	MS_FAMILY_IPV6 = 6,
};

/* Reserved security identities. Workload identities start above these. */
enum ms_identity {
	MS_IDENTITY_ANY = 0,   /* "none" in results, "any peer" in policy keys */
	MS_IDENTITY_HOST = 1,
	MS_IDENTITY_WORLD = 2, /* remote address not in ms_ipcache */
};

/* Traffic direction, always from the workload's point of view. */
enum ms_direction {
	MS_DIR_INGRESS = 1, /* toward the workload (TC egress of host veth) */
	MS_DIR_EGRESS = 2,  /* from the workload (TC ingress of host veth) */
};

enum ms_action {
	MS_ACTION_ALLOW = 1,
	MS_ACTION_DENY = 2,
};

/* Enforcement mode. PROTECT is 0 so a zeroed endpoint entry is safe. */
enum ms_mode {
	MS_MODE_PROTECT = 0, /* drop denied packets */
	MS_MODE_MONITOR = 1, /* never drop; report would-deny */
};

/* ms_endpoint.flags: a direction is isolated (default deny) when selected
 * by an allow policy that has rules for that direction. */
#define MS_EP_INGRESS_ISOLATED 0x1
#define MS_EP_EGRESS_ISOLATED 0x2
/* The control plane knows no addresses of this workload: its source addresses are
 * not checked (anti-spoofing off). Without this flag every IP packet the workload
 * sends must come from an address in ms_source_addrs for its ifindex. */
#define MS_EP_NO_SOURCE_CHECK 0x4
/* The control plane guarantees that ms_policy holds no DENY rule for this
 * endpoint in that direction, so the first (most specific) matching ALLOW
 * decides and the wider keys are not probed. Never set = every key is probed
 * (always correct). The agent must clear the flag before it writes the
 * direction's first DENY rule, and may set it only after the last one is gone. */
#define MS_EP_INGRESS_ALLOW_ONLY 0x8
#define MS_EP_EGRESS_ALLOW_ONLY 0x10
/* ms_policy_ranges may hold port-range rules for this endpoint in that direction,
 * so it is probed too. Never set = ranges are ignored (no range lookup is paid by
 * endpoints without range rules). The agent sets the flag before it writes the
 * direction's first range entry and clears it only after the last one is gone. */
#define MS_EP_INGRESS_RANGES 0x20
#define MS_EP_EGRESS_RANGES 0x40

/* Verdict of one packet, as reported in events and counted in ms_stats. */
enum ms_verdict {
	MS_VERDICT_NONE = 0,
	MS_VERDICT_ALLOWED = 1,
	MS_VERDICT_DENIED = 2,     /* dropped (PROTECT) */
	MS_VERDICT_WOULD_DENY = 3, /* passed because MONITOR */
};

/* Why a packet got its verdict. ms_stats index (see MS_STATS_*). ABI. */
enum ms_reason {
	MS_REASON_UNSPEC = 0,
	MS_REASON_NO_ENDPOINT = 1,     /* interface not managed: pass */
	MS_REASON_NOT_IP = 2,          /* ARP, LLDP, ...: pass */
	MS_REASON_MALFORMED = 3,       /* truncated/invalid headers */
	MS_REASON_CT_ESTABLISHED = 4,  /* conntrack hit, original direction */
	MS_REASON_CT_REPLY = 5,        /* conntrack hit, reply direction */
	MS_REASON_POLICY_ALLOW = 6,    /* an allow rule matched */
	MS_REASON_POLICY_DENY = 7,     /* a deny rule matched */
	MS_REASON_DEFAULT_DENY = 8,    /* isolated direction, no rule */
	MS_REASON_DEFAULT_ALLOW = 9,   /* direction not isolated, no rule */
	MS_REASON_ND = 10,             /* IPv6 neighbour discovery: pass */
	MS_REASON_EVENT_LOST = 11,     /* ring buffer full (counter only) */
	MS_REASON_SPOOFED = 12,        /* workload sent from an address not its own */
	MS_REASON_FRAGMENT = 13,       /* later fragment of an allowed first fragment */
	MS_REASON_FRAGMENT_DENIED = 14, /* later fragment of a denied first fragment */
	MS_REASON_FRAGMENT_UNKNOWN = 15, /* later fragment, first fragment not seen */
	MS_REASON_CT_RELATED = 16,     /* ICMP error about a tracked flow */
	MS_REASON_MAX,
};

/* ms_stats layout: [0, MS_REASON_MAX) packets per reason,
 * [MS_STATS_VERDICT_BASE + verdict] packets per verdict. */
#define MS_STATS_VERDICT_BASE 32
/* Map-pressure and event counters (not packets), from this index on. */
#define MS_STATS_EVENTS_SUPPRESSED 48  /* events not emitted: rate limit */
#define MS_STATS_CT_CREATED 49         /* conntrack entries written */
#define MS_STATS_CT_CREATE_FAILED 50   /* conntrack inserts that failed */
#define MS_STATS_FRAG_TRACKED 51       /* first fragments tracked */
#define MS_STATS_CT6_CREATED 52        /* of MS_STATS_CT_CREATED, the IPv6 ones */
#define MS_STATS_REPORTS 53            /* flow reports written to ms_events */
#define MS_STATS_REPORTS_DEFERRED 54   /* reports due but not written (rate limit, ring full): retried */
#define MS_STATS_MAX 64

/* ---- ms_ipcache: LPM_TRIE, remote address -> security identity ---- */
/* prefixlen counts bits after itself: 32 (family + pad) + address prefix.
 * IPv4 uses addr[0..3], the rest is zero. */
struct ms_ipcache_key {
	__u32 prefixlen;
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

#define MS_IPCACHE_STATIC_PREFIX 32

struct ms_ipcache_value {
	__u32 identity;
	__u32 flags; /* reserved, 0 */
};

/* ---- ms_ipcache_hosts: HASH, single addresses -> identity ----
 * The same key and value as ms_ipcache, for /32 and /128 entries only (prefixlen
 * = static + 32 or 128): most of the ipcache is workload addresses, and an exact
 * match is one hash probe where the trie walks a node per bit. A host entry is
 * the longest prefix there is, so a hit here is the answer; on a miss the trie
 * (address blocks) decides. User space keeps host entries out of the trie. */

/* ms_endpoint.source_flags: which of the workload's own addresses the entry holds.
 * The source check of a new flow compares the packet's source with them first, so
 * the common workload (one IPv4 and/or one IPv6 address) pays no ms_source_addrs
 * probe. Without SOURCES_COMPLETE, a source that matches neither is looked up in
 * ms_source_addrs as well (always correct; a zeroed entry checks only the map). The
 * agent sets SOURCES_COMPLETE only when source4/source6 are all of the workload's
 * addresses; it writes every address to ms_source_addrs either way. */
#define MS_EP_SOURCE_IPV4 0x1 /* source4 is one of the workload's addresses */
#define MS_EP_SOURCE_IPV6 0x2 /* source6 is one of the workload's addresses */
#define MS_EP_SOURCES_COMPLETE 0x4 /* no other address: ms_source_addrs is not probed */

/* ms_endpoint.absent_ingress / absent_egress: the shapes of ms_policy key (which of
 * peer, protocol and port a key names) that hold no entry for this endpoint in that
 * direction, so a new flow does not probe them: an endpoint whose rules all name a
 * peer and a port pays one probe, with or without deny rules. 0 = every shape is
 * probed (always correct). The agent clears a bit before it writes the first entry
 * of that shape and sets it only after the last one is gone. Exact-port probes are
 * made only for protocols with ports. */
#define MS_KEY_PEER_PORT 0x01  /* (peer, protocol, port) */
#define MS_KEY_PEER_PROTO 0x02 /* (peer, protocol, any port) */
#define MS_KEY_ANY_PORT 0x04   /* (any peer, protocol, port) */
#define MS_KEY_ANY_PROTO 0x08  /* (any peer, protocol, any port) */
#define MS_KEY_PEER_ALL 0x10   /* (peer, any protocol) */
#define MS_KEY_ANY_ALL 0x20    /* (any peer, any protocol) */

/* ---- ms_endpoints: HASH, host-side ifindex -> endpoint ---- */
struct ms_endpoint {
	__u32 identity;
	__u8 mode;         /* enum ms_mode */
	__u8 flags;        /* MS_EP_* */
	__u8 source_flags; /* MS_EP_SOURCE_*, MS_EP_SOURCES_COMPLETE */
	__u8 pad;
	__u8 source4[4];   /* network order, valid with MS_EP_SOURCE_IPV4 */
	__u8 source6[16];  /* network order, valid with MS_EP_SOURCE_IPV6 */
	__u8 absent_ingress; /* MS_KEY_* without an entry in that direction */
	__u8 absent_egress;
	__u8 pad2[2];
};

/* ---- ms_source_addrs: HASH, (ifindex, address) of each workload's own addresses ----
 * Anti-spoofing: a packet from a workload (MS_DIR_EGRESS) must have a source address
 * registered here for its ifindex, or held in its endpoint entry (source4/source6),
 * unless the endpoint has MS_EP_NO_SOURCE_CHECK. Not probed for an endpoint flagged
 * MS_EP_SOURCES_COMPLETE (its entry holds all of its addresses).
 * IPv6 link-local sources (fe80::/10) are exempt: the kernel derives them, and they
 * map to no identity, so they cannot impersonate another workload. */
struct ms_source_key {
	__u32 ifindex;
	__u8 family; /* enum ms_family */
	__u8 pad[3];
	__u8 addr[16];
};

struct ms_source_value {
	__u32 flags; /* reserved, 0 */
};

/* ---- ms_policy: HASH, (endpoint, peer, port, proto, dir) -> action ---- */
struct ms_policy_key {
	__u32 ifindex;
	__u32 remote_identity; /* 0 = any peer */
	__u16 dport;           /* host byte order, 0 = any port */
	__u8 proto;            /* IPPROTO_*, 0 = any protocol */
	__u8 direction;        /* enum ms_direction */
};

struct ms_policy_value {
	__u32 rule_id;
	__u8 action; /* enum ms_action */
	__u8 pad[3];
};

/* ---- ms_policy_ranges: LPM_TRIE, port ranges -> ms_policy_value ----
 * A rule for ports [first, last] is stored as the aligned power-of-two blocks
 * that tile the range (at most 30): prefixlen = MS_POLICY_RANGE_STATIC_PREFIX +
 * the block's leading port bits. User space keeps the blocks of one
 * (ifindex, direction, remote, proto) disjoint, resolving overlaps between
 * ranges itself (deny beats allow, then the lowest rule id), so the longest
 * match is the only match. Single ports stay in ms_policy (exact keys). */
struct ms_policy_range_key {
	__u32 prefixlen;
	__u32 ifindex;
	__u32 remote_identity; /* 0 = any peer */
	__u8 direction;        /* enum ms_direction */
	__u8 proto;            /* IPPROTO_* with ports; never 0 */
	__be16 dport;          /* network byte order: the trie matches from the top bit */
};

/* ifindex, remote_identity, direction and proto: always matched in full. */
#define MS_POLICY_RANGE_STATIC_PREFIX 80

/* ---- ms_conntrack4, ms_conntrack6: LRU_HASH, one entry per flow per endpoint ----
 * Keyed from the workload's side, so both directions of a flow find the entry
 * with one lookup: local = the workload's address and port (the source of what
 * it sends, the destination of what it receives), remote = the peer's. The
 * entry's direction is the program that saw the flow's first packet: a packet
 * in that program is "established", in the other one a "reply".
 * Ports are host byte order; ICMP echo uses the echo id for both ports.
 * One map per family, with the same value: IPv4 flows have a 20-byte key
 * (ms_ct4_key), so hashing and comparing it, and the element, are smaller than
 * with IPv6's 44 bytes (ms_ct_key, family always MS_FAMILY_IPV6). */
struct ms_ct4_key {
	__u32 ifindex;
	__u8 proto;
	__u8 pad[3];
	__u16 lport;
	__u16 rport;
	__u8 laddr[4];
	__u8 raddr[4];
};

struct ms_ct_key {
	__u32 ifindex;
	__u8 family;
	__u8 proto;
	__u16 pad;
	__u16 lport;
	__u16 rport;
	__u8 laddr[16];
	__u8 raddr[16];
};

#define MS_CT_F_SEEN_REPLY 0x1
#define MS_CT_F_FIN_ORIG 0x2  /* FIN seen in the original direction */
#define MS_CT_F_FIN_REPLY 0x4 /* FIN seen in the reply direction */
#define MS_CT_F_MIDSTREAM 0x8 /* TCP picked up mid-stream (first packet not a SYN) */
/* A flow the peer opened (direction INGRESS) whose workload-side address passed
 * the source check on the first packet the workload sent: later packets the
 * workload sends on it skip that check, as those of flows it opened do (their
 * source was checked when the entry was created). User space deletes such
 * entries when it takes the address away from the endpoint (no bypass). */
#define MS_CT_F_LOCAL_CHECKED 0x10

/* ms_ct_entry.state. TCP only; other protocols stay NONE (pseudo-connections
 * aged by their protocol's timeout). ABI: never renumber. */
enum ms_ct_state {
	MS_CT_STATE_NONE = 0,
	MS_CT_STATE_SYN_SENT = 1,    /* SYN seen */
	MS_CT_STATE_SYN_RECV = 2,    /* SYN-ACK seen in reply */
	MS_CT_STATE_ESTABLISHED = 3, /* handshake done, or picked up mid-stream */
	MS_CT_STATE_FIN_WAIT = 4,    /* FIN seen in one direction */
	MS_CT_STATE_CLOSED = 5,      /* FIN both ways or RST: short timeout */
	MS_CT_STATE_MAX,
};

/* Idle timeouts per state and protocol, in ns: an entry idle for longer is
 * expired (a lookup treats it as a miss; user space deletes it). Set by user
 * space between open and load; the values here are the defaults. */
struct ms_ct_timeouts {
	__u64 tcp_syn_ns;         /* SYN_SENT, SYN_RECV */
	__u64 tcp_established_ns; /* ESTABLISHED */
	__u64 tcp_fin_ns;         /* FIN_WAIT */
	__u64 tcp_closed_ns;      /* CLOSED */
	__u64 udp_ns;
	__u64 icmp_ns;            /* ICMP and ICMPv6 */
	__u64 other_ns;           /* any other protocol */
};

/* Counters count the flow's packets and bytes (IPv4/IPv6 header on) since it was
 * created. A flow report (ms_flow_report) carries what both directions grew since
 * the previous one; reported_* are the totals it was computed from. */
struct ms_ct_entry {
	__u64 reported_ns; /* last flow report; until the first one, the creation (CLOCK_MONOTONIC) */
	__u64 last_seen_ns;
	__u64 packets_orig;
	__u64 bytes_orig;
	__u64 packets_reply;
	__u64 bytes_reply;
	__u32 rule_id; /* rule that allowed the flow, 0 = default allow */
	__u32 remote_identity;
	__u32 flags;     /* MS_CT_F_* */
	__u8 state;      /* enum ms_ct_state */
	__u8 direction;  /* enum ms_direction of the flow's first packet */
	__u8 pad[2];
	/* Last in the entry: read and written only when a report is due, so the
	 * established path touches the same bytes as before they were added. */
	__u64 reported_packets; /* packets_orig + packets_reply at the last report */
	__u64 reported_bytes;   /* bytes_orig + bytes_reply at the last report */
};

/* ---- ms_fragments: LRU_HASH, the verdict of a first fragment ----
 * Later fragments carry no ports; they follow the verdict their datagram's
 * first fragment got at the same endpoint and direction. IPv4 ids are 16 bits. */
struct ms_frag_key {
	__u32 ifindex;
	__u8 family;
	__u8 proto;
	__u8 direction;
	__u8 pad;
	__u32 id; /* IPv4 identification or IPv6 fragment id, host byte order */
	__u8 saddr[16];
	__u8 daddr[16];
};

struct ms_frag_entry {
	__u64 created_ns;
	__u32 rule_id;
	__u8 denied; /* the first fragment was denied (or would have been) */
	__u8 pad[3];
};

/* Later fragments whose first fragment is older than this are unknown. */
#define MS_FRAG_TIMEOUT_NS (30ULL * 1000000000)

/* ---- Event rate limit and reader wakeups: state per CPU (not pinned) ----
 * Settings are written by user space between open and load. */
struct ms_event_limit {
	__u64 events_per_sec; /* per CPU; 0 = unlimited */
	__u64 burst;          /* bucket size, events */
	__u64 wakeup_every;   /* a CPU wakes the event reader every this many events; 0 = when it has caught up */
};

struct ms_event_bucket {
	__u64 tokens_ns; /* tokens scaled by 1e9 */
	__u64 last_ns;
	__u64 unwoken; /* records submitted since this CPU last woke the reader */
	/* Flow reports have a bucket of their own (same rate and burst): a flood of
	 * denied packets does not starve them, nor do they take the events' budget. */
	__u64 report_tokens_ns;
	__u64 report_last_ns;
};

/* ---- ms_clock: the data path's clock, cached per CPU (not pinned) ----
 * The coarse monotonic clock read at the first packet of each tick (jiffy) on a
 * CPU; later packets of the same tick reuse it. Private to the programs. */
struct ms_clock_cache {
	__u64 jiffies; /* bpf_jiffies64() when ns was read */
	__u64 ns;      /* bpf_ktime_get_coarse_ns() then */
};

/* What a record in ms_events is: the first field user space reads after the size. */
enum ms_record_kind {
	MS_RECORD_FLOW_EVENT = 0,  /* struct ms_flow_event: a new flow or a denial */
	MS_RECORD_FLOW_REPORT = 1, /* struct ms_flow_report: an allowed flow's growth */
};

/* ---- ms_events: RINGBUF of ms_flow_event and ms_flow_report ---- */
struct ms_flow_event {
	__u64 timestamp_ns;
	__u64 policy_revision;
	__u32 ifindex;
	__u32 local_identity;
	__u32 remote_identity;
	__u32 rule_id;
	__u16 sport; /* host byte order */
	__u16 dport;
	__u8 family;
	__u8 proto;
	__u8 direction; /* enum ms_direction */
	__u8 verdict;   /* enum ms_verdict */
	__u8 reason;    /* enum ms_reason */
	__u8 kind;      /* enum ms_record_kind: MS_RECORD_FLOW_EVENT here */
	__u8 pad[6];
	__u8 saddr[16];
	__u8 daddr[16];
};

/* An allowed, tracked flow's packets and bytes (both directions summed) since its
 * previous report, or since it was created: written at the flow's first packet
 * after ms_config.report_interval_ns without a report (checked at most once a
 * second per flow, when the entry's last_seen_ns is refreshed), and when a TCP
 * flow closes. flow is the flow as its first packet went (the key of the event
 * that opened it): addresses, ports and direction of that packet, its rule and
 * reason (POLICY_ALLOW, or DEFAULT_ALLOW for rule 0), verdict ALLOWED, kind
 * MS_RECORD_FLOW_REPORT; timestamp_ns is the report's time. Endpoints in MONITOR
 * mode get none (their growth is passed over). */
struct ms_flow_report {
	struct ms_flow_event flow;
	__u64 packets;
	__u64 bytes;
};

/* ---- ms_would_deny: LRU_PERCPU_HASH, packets passed only because of MONITOR ----
 * One counter per (endpoint, direction, deciding rule, reason), bumped wherever a
 * packet gets MS_VERDICT_WOULD_DENY: monitor mode is meant to be watched before
 * protect is switched on, so what it would have dropped must be countable per
 * policy rule (rule_id 0: no rule decided, e.g. default deny of an isolated
 * direction, or a spoofed source). LRU: a full map forgets the coldest counter
 * instead of refusing new ones. ms_stats has the per-node total. */
struct ms_would_deny_key {
	__u32 ifindex;
	__u32 rule_id;
	__u8 direction; /* enum ms_direction */
	__u8 reason;    /* enum ms_reason */
	__u8 pad[2];
};

/* ---- ms_control_plane: ARRAY[1], written and read by user space only ----
 * Which control plane the maps were last programmed from, pinned with them so
 * an agent that restarts still knows it: the cluster identity of the store
 * (a GUID, zero = none remembered), the node grain's epoch (a GUID, or a hash
 * of a non-GUID epoch), the revision and how many entries (endpoints + policy
 * entries) that revision held. An agent offered a state from another cluster,
 * or a new epoch far emptier than this, keeps the maps as they are. Zeroing the
 * entry (microseg-agent accept-control-plane) forgets it. */
struct ms_control_plane {
	__u8 cluster[16];
	__u8 epoch[16];
	__u64 revision;
	__u64 entries;
};

/* ---- ms_config: ARRAY[1], written by user space ---- */
struct ms_config {
	__u64 policy_revision;
	/* Flow reports: at most one per flow per this many ns; 0 = none. Here rather
	 * than in .rodata so that objects built before reports load with today's
	 * loader (they ignore it): the A/B benchmark compares with them. */
	__u64 report_interval_ns;
	__u64 reserved[2];
};
