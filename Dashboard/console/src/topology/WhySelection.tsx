import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { TopologyEdge } from "../api/types";
import { WhyPanel } from "../components/WhyPanel";
import { firstPort } from "../why/deciding";

export type Level = "workload" | "app" | "namespace";

/** What is selected on the map; a node remembers the node clicked before it, so two clicks choose a pair to ask "why" about. */
export type Selected = { kind: "node"; id: string; previous?: string } | { kind: "edge"; edge: TopologyEdge } | null;

/** "Why" for the selected edge or pair of nodes; only workload-level ends are what /why can explain. */
export function WhySelection({ level, selected }: { level: Level; selected: NonNullable<Selected> }) {
  const { t } = useTranslation();
  if (level !== "workload") return <Typography.Text type="secondary">{t("why.workloadLevelOnly")}</Typography.Text>;
  if (selected.kind === "edge") {
    const { protocol, port } = firstPort(selected.edge.ports);
    return <WhyPanel src={selected.edge.src} dst={selected.edge.dst} protocol={protocol} port={port} />;
  }
  if (!selected.previous) return <Typography.Text type="secondary">{t("why.pickPair", { src: selected.id })}</Typography.Text>;
  return <WhyPanel src={selected.previous} dst={selected.id} />;
}
