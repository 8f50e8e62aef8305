// Shapes of the REST API's JSON (see /openapi/v1.json). Only what the console reads.

export type Labels = Record<string, string>;

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

export interface LabelSelector {
  matchLabels?: Labels | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

export interface PolicyPeer {
  selector?: LabelSelector | null;
  namespaceSelector?: LabelSelector | null;
  cidr?: string | null;
  except?: string[] | null;
}

export interface PolicyPort {
  protocol?: string | null;
  port?: number | string | null;
  endPort?: number | null;
}

export interface PolicyRule {
  from?: PolicyPeer[] | null;
  to?: PolicyPeer[] | null;
  ports?: PolicyPort[] | null;
}

export interface Policy {
  id: string;
  selector: LabelSelector;
  namespace?: string | null;
  ingress?: PolicyRule[] | null;
  egress?: PolicyRule[] | null;
  action?: string;
  priority?: number;
  draft?: boolean;
  origin?: { namespace: string; name: string; document: string } | null;
}

export interface Workload {
  id: string;
  node: string;
  interface?: string | null;
  addresses: string[];
  labels: Labels;
  namespace: string;
  ports: Record<string, string>;
  mode?: string | null;
  identity: number;
}

export interface Namespace {
  name: string;
  labels: Labels;
}

export interface NodeAck {
  revision: number;
  attachedInterfaces: string[];
  missingInterfaces: string[];
  refusedInterfaces?: { interface: string; reason: string }[] | null;
}

export interface NodeStatus {
  name: string;
  agentConnected: boolean;
  revision: number;
  appliedRevision?: number | null;
  lastSeen?: string | null;
  endpoints: number;
  policyEntries: number;
  lastAck?: NodeAck | null;
  hold?: unknown;
  wouldDeny?: { wouldDenyPackets: number } | null;
}

export interface FlowEnd {
  workload?: string | null;
  namespace?: string | null;
  address?: string | null;
  port?: number | null;
}

export interface Flow {
  firstSeen: string;
  lastSeen: string;
  node: string;
  src: FlowEnd;
  dst: FlowEnd;
  protocol: string;
  verdict: string;
  policy?: string | null;
  reason?: string | null;
  connections: number;
  packets: number;
  bytes: number;
}

export interface FlowPage {
  items: Flow[];
  next?: string | null;
}

export interface TopologyNode {
  id: string;
  level: string;
  labels?: Labels | null;
}

export interface TopologyEdge {
  src: string;
  dst: string;
  ports: string[];
  verdicts: Record<string, number>;
  policies: string[];
  lastSeen?: string | null;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

export interface WhyPeer {
  address: string;
  workload?: string | null;
  node?: string | null;
}

export interface DirectionVerdict {
  workload: string;
  direction: string;
  allowed: boolean;
  reason: string;
  rule?: string | null;
  policy?: string | null;
  mode: string;
  remoteIdentity: number;
  wouldDeny: boolean;
}

/** GET /api/v1/why: the verdict for a new connection and the rule deciding it, per direction. */
export interface WhyAnswer {
  verdict: string;
  summary: string;
  source: WhyPeer;
  destination: WhyPeer;
  protocol: string;
  port: number;
  egress?: DirectionVerdict | null;
  ingress?: DirectionVerdict | null;
}
