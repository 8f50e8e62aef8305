// English strings. Every text the console shows comes from here or from the API.
export const en = {
  app: { title: "MicroSeg", language: "中文", languageLabel: "Language" },
  nav: {
    topology: "Topology", flows: "Flows", workloads: "Workloads", namespaces: "Namespaces",
    policies: "Policies", nodes: "Nodes", cluster: "Cluster", why: "Why", orleans: "Orleans dashboard",
  },
  signIn: {
    title: "Sign in", token: "API token", submit: "Sign in", signOut: "Sign out",
    help: "`make run` prints a signed-in URL; the embedded silo keeps its admin token in <data dir>/admin.token.",
    required: "The API needs a token: sign in.",
  },
  common: {
    loading: "Loading…", refresh: "Refresh", none: "none", any: "any", save: "Save", cancel: "Cancel",
    delete: "Delete", edit: "Edit", create: "Create", confirmDelete: "Delete {{name}}?", yes: "Yes", no: "No",
    error: "The API answered with an error", field: "Field", saved: "Saved", all: "All", never: "never", more: "More",
  },
  verdict: { allow: "allow", deny: "deny", "would-deny": "would deny" },
  reason: { rule: "rule", "default-deny": "default deny", "no-policy": "no policy" },
  flows: {
    title: "Flows", src: "Source", dst: "Destination", port: "Port", protocol: "Protocol", verdict: "Verdict",
    policy: "Policy", reason: "Reason", node: "Node", connections: "Connections", packets: "Packets", bytes: "Bytes",
    lastSeen: "Last seen", follow: "Follow live", pause: "Pause", resume: "Resume", following: "Following new flows",
    paused: "Paused: {{count}} new flows held", filter: "Apply filters", namespace: "Namespace", more: "Older flows",
    since: "Since", last15m: "last 15 minutes", lastHour: "last hour", lastDay: "last day", external: "(outside any workload)", streamError: "The live stream stopped: {{message}}",
  },
  nodes: {
    title: "Nodes", name: "Node", agent: "Agent", connected: "connected", disconnected: "disconnected",
    lastSeen: "Last seen", desired: "Desired revision", applied: "Applied revision", inSync: "in sync",
    behind: "behind", interfaces: "Interfaces", attached: "attached", missing: "missing", refused: "refused",
    endpoints: "Endpoints", entries: "Policy entries", wouldDeny: "Would-deny packets", remove: "Remove",
    hold: "holding state", notReported: "not reported",
  },
  policies: {
    title: "Policies", id: "Policy", state: "State", draft: "draft", active: "active", action: "Action",
    selector: "Applies to", ingress: "Ingress", egress: "Egress", effect: "Effect", priority: "Priority",
    defaultDenyIngress: "denies all ingress (default deny)", defaultDenyEgress: "denies all egress (default deny)",
    allowsIngress: "{{count}} ingress rules", allowsEgress: "{{count}} egress rules", untouched: "leaves alone",
    everything: "every workload", namespace: "Namespace", origin: "Origin", kubernetes: "Kubernetes {{where}}/{{name}}",
    create: "New policy", form: "Form", yaml: "YAML", import: "Kubernetes import", importHelp: "Paste NetworkPolicy YAML (one or more documents).",
    editTitle: "Edit {{id}}", createTitle: "New policy", matchLabels: "Selected labels (key=value, comma separated)",
    fromLabels: "Allow from labels (key=value, comma separated; empty: any peer)", ports: "Ports (e.g. TCP/80, UDP/53; empty: any)",
    direction: "Direction", draftSwitch: "Draft (stored, not enforced)", allow: "allow", deny: "deny",
    badYaml: "The YAML is not valid: {{message}}", imported: "Imported",
    hits: "Hits", expression: "{{key}} {{operator}} {{values}}",
  },
  workloads: {
    title: "Workloads", id: "Workload", namespace: "Namespace", node: "Node", interface: "Interface",
    addresses: "Addresses", labels: "Labels", mode: "Mode", identity: "Identity", monitor: "monitor", protect: "protect",
    default: "cluster default", defaultIs: "cluster default: {{mode}}", modeChanged: "Mode of {{id}} set to {{mode}}",
  },
  namespaces: { title: "Namespaces", name: "Namespace", labels: "Labels", workloads: "Workloads" },
  cluster: {
    title: "Cluster", silo: "Silo", address: "Address", status: "Status", started: "Started", uptime: "Uptime",
    seconds: "{{count}} s", activations: "Activations", self: "this silo", orleans: "Open the Orleans dashboard",
  },
  topology: {
    title: "Topology", level: "Level", workload: "workload", app: "app", namespace: "namespace", since: "Since",
    nodes: "{{nodes}} nodes, {{edges}} edges", selected: "Selected", flowsOf: "Flows of {{what}}",
    legend: "Edge colours", empty: "No traffic seen yet.", lastHour: "last hour", lastDay: "last day", allTime: "all time",
    filter: "Filter: name or key=value, …", ports: "Ports", policies: "Policies",
  },
  why: {
    title: "Why", src: "Source (workload id or address)", dst: "Destination (workload id or address)", port: "Port",
    pair: "{{src}} → {{dst}}", explain: "Explain", allowed: "Allowed", denied: "Denied", decidingPolicy: "Deciding policy",
    noPolicy: "none (a default decides)", reason: "Reason", policy: "policy", egress: "Egress at the source",
    ingress: "Ingress at the destination", notEnforced: "not enforced (no MicroSeg workload on this side)",
    pickPair: "Click a second node to ask why from {{src}} to it.", workloadLevelOnly: "Switch the level to workload to ask why for a pair.",
    open: "Why…",
    reasons: { "policy-allow": "a policy allows it", "policy-deny": "a policy denies it", "default-deny": "default deny: isolated and nothing allows it", "default-allow": "default allow: not isolated" },
  },
};

export type Strings = typeof en;
