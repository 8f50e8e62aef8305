import type { Strings } from "./en";

// 简体中文。
export const zh: Strings = {
  app: { title: "MicroSeg", language: "English", languageLabel: "语言" },
  nav: {
    topology: "拓扑", flows: "流量", workloads: "工作负载", namespaces: "命名空间",
    policies: "策略", nodes: "节点", cluster: "集群", why: "判定原因", orleans: "Orleans 仪表板",
  },
  signIn: {
    title: "登录", token: "API 令牌", submit: "登录", signOut: "退出登录",
    help: "`make run` 会打印已登录的网址；嵌入式 silo 的管理员令牌保存在 <数据目录>/admin.token。",
    required: "API 需要令牌：请登录。",
  },
  common: {
    loading: "加载中…", refresh: "刷新", none: "无", any: "任意", save: "保存", cancel: "取消",
    delete: "删除", edit: "编辑", create: "创建", confirmDelete: "删除 {{name}}？", yes: "是", no: "否",
    error: "API 返回错误", field: "字段", saved: "已保存", all: "全部", never: "从未", more: "更多",
  },
  verdict: { allow: "允许", deny: "拒绝", "would-deny": "将拒绝" },
  reason: { rule: "规则", "default-deny": "默认拒绝", "no-policy": "无策略" },
  flows: {
    title: "流量", src: "源", dst: "目标", port: "端口", protocol: "协议", verdict: "判定",
    policy: "策略", reason: "原因", node: "节点", connections: "连接数", packets: "数据包", bytes: "字节",
    lastSeen: "最近出现", follow: "实时跟踪", pause: "暂停", resume: "继续", following: "正在跟踪新流量",
    paused: "已暂停：保留了 {{count}} 条新流量", filter: "应用筛选", namespace: "命名空间", more: "更早的流量",
    since: "起始", last15m: "最近 15 分钟", lastHour: "最近一小时", lastDay: "最近一天", external: "（不属于任何工作负载）", streamError: "实时流已停止：{{message}}",
  },
  nodes: {
    title: "节点", name: "节点", agent: "代理", connected: "已连接", disconnected: "已断开",
    lastSeen: "最近在线", desired: "期望版本", applied: "已应用版本", inSync: "已同步",
    behind: "落后", interfaces: "接口", attached: "已挂载", missing: "缺失", refused: "被拒绝",
    endpoints: "端点", entries: "策略条目", wouldDeny: "将拒绝的数据包", remove: "移除",
    hold: "保持状态", notReported: "未报告",
  },
  policies: {
    title: "策略", id: "策略", state: "状态", draft: "草稿", active: "生效", action: "动作",
    selector: "作用于", ingress: "入站", egress: "出站", effect: "效果", priority: "优先级",
    defaultDenyIngress: "拒绝所有入站（默认拒绝）", defaultDenyEgress: "拒绝所有出站（默认拒绝）",
    allowsIngress: "{{count}} 条入站规则", allowsEgress: "{{count}} 条出站规则", untouched: "不限制",
    everything: "所有工作负载", namespace: "命名空间", origin: "来源", kubernetes: "Kubernetes {{where}}/{{name}}",
    create: "新建策略", form: "表单", yaml: "YAML", import: "导入 Kubernetes", importHelp: "粘贴 NetworkPolicy YAML（可多个文档）。",
    editTitle: "编辑 {{id}}", createTitle: "新建策略", matchLabels: "选择的标签（key=value，逗号分隔）",
    fromLabels: "允许来自的标签（key=value，逗号分隔；为空表示任意对端）", ports: "端口（如 TCP/80, UDP/53；为空表示任意）",
    direction: "方向", draftSwitch: "草稿（保存但不执行）", allow: "允许", deny: "拒绝",
    badYaml: "YAML 无效：{{message}}", imported: "已导入",
    hits: "命中", expression: "{{key}} {{operator}} {{values}}",
  },
  workloads: {
    title: "工作负载", id: "工作负载", namespace: "命名空间", node: "节点", interface: "接口",
    addresses: "地址", labels: "标签", mode: "模式", identity: "身份", monitor: "监控", protect: "防护",
    default: "集群默认", defaultIs: "集群默认：{{mode}}", modeChanged: "{{id}} 的模式已设为 {{mode}}",
  },
  namespaces: { title: "命名空间", name: "命名空间", labels: "标签", workloads: "工作负载" },
  cluster: {
    title: "集群", silo: "Silo", address: "地址", status: "状态", started: "启动时间", uptime: "运行时长",
    seconds: "{{count}} 秒", activations: "激活数", self: "当前 silo", orleans: "打开 Orleans 仪表板",
  },
  topology: {
    title: "拓扑", level: "层级", workload: "工作负载", app: "应用", namespace: "命名空间", since: "起始",
    nodes: "{{nodes}} 个节点，{{edges}} 条边", selected: "已选择", flowsOf: "{{what}} 的流量",
    legend: "边的颜色", empty: "尚未观察到流量。", lastHour: "最近一小时", lastDay: "最近一天", allTime: "全部时间",
    filter: "筛选：名称或 key=value，…", ports: "端口", policies: "策略",
  },
  why: {
    title: "判定原因", src: "源（工作负载 ID 或地址）", dst: "目标（工作负载 ID 或地址）", port: "端口",
    pair: "{{src}} → {{dst}}", explain: "分析", allowed: "允许", denied: "拒绝", decidingPolicy: "决定性策略",
    noPolicy: "无（由默认规则决定）", reason: "原因", policy: "策略", egress: "源端出站",
    ingress: "目标端入站", notEnforced: "未执行（此端不是 MicroSeg 工作负载）",
    pickPair: "再点击一个节点，分析从 {{src}} 到它的判定。", workloadLevelOnly: "切换到工作负载层级以分析一对端点。",
    open: "为什么…",
    reasons: { "policy-allow": "策略允许", "policy-deny": "策略拒绝", "default-deny": "默认拒绝：已隔离且无策略允许", "default-allow": "默认允许：未隔离" },
  },
};
