import { useEffect, useMemo, useRef, useState } from "react";
import { Card, Descriptions, Input, Select, Space, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import cytoscape from "cytoscape";
import { api } from "../api/client";
import type { Topology } from "../api/types";
import { ProblemAlert } from "../components/ProblemAlert";
import { VerdictTag } from "../components/VerdictTag";
import { filterTopology, layoutFor, rendererFor, toElements } from "../topology/graph";
import { WhySelection, type Level, type Selected } from "../topology/WhySelection";

const windows: Record<string, number | null> = { lastHour: 3600, lastDay: 86400, allTime: null };

/** Link to the flows behind a map element; flows filter by workload and namespace, so app level links by destination only when it is a workload. */
function flowsLink(level: Level, selected: NonNullable<Selected>): string | null {
  const q = new URLSearchParams();
  if (selected.kind === "node") {
    if (level === "workload") q.set("dst", selected.id);
    else if (level === "namespace") q.set("namespace", selected.id);
    else return null;
  } else {
    if (level === "workload") {
      q.set("src", selected.edge.src);
      q.set("dst", selected.edge.dst);
    } else if (level === "namespace") q.set("namespace", selected.edge.dst);
    else return null;
  }
  return `/flows?${q}`;
}

/** The traffic map: one node per workload, app or namespace; edges coloured by verdict; click for details and flows. */
export function TopologyView() {
  const { t } = useTranslation();
  const [level, setLevel] = useState<Level>("app");
  const [span, setSpan] = useState("allTime");
  const [selected, setSelected] = useState<Selected>(null);
  const [filter, setFilter] = useState("");
  const container = useRef<HTMLDivElement>(null);

  const since = windows[span];
  const topology = useQuery({
    queryKey: ["topology", level, span],
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ level });
      if (since) q.set("since", new Date(Date.now() - since * 1000).toISOString());
      return api<Topology>(`/api/v1/topology?${q}`, { signal });
    },
    refetchInterval: 10_000,
  });
  const shown = useMemo(() => (topology.data ? filterTopology(topology.data, filter) : undefined), [topology.data, filter]);
  const elements = useMemo(() => (shown ? toElements(shown) : []), [shown]);

  useEffect(() => {
    if (!container.current || !shown) return;
    const nodes = elements.filter((e) => !e.data.source).length;
    const renderer = rendererFor(nodes);
    const cy = cytoscape({
      container: container.current,
      elements,
      layout: layoutFor(nodes),
      wheelSensitivity: 0.3,
      ...renderer.options,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 10, "min-zoomed-font-size": 8, "background-color": "#1677ff", width: 18, height: 18 } },
        { selector: "node[?external]", style: { "background-color": "#8c8c8c", shape: "round-rectangle" } },
        { selector: "edge", style: { "line-color": "data(color)", "target-arrow-color": "data(color)", width: 2, ...renderer.edgeStyle } },
        { selector: ":selected", style: { "border-width": 3, "border-color": "#000", width: 4 } },
      ],
    });
    cy.on("tap", "node", (e) => {
      const id: string = e.target.data("name");
      setSelected((before) => (before?.kind === "node" && before.id !== id ? { kind: "node", id, previous: before.id } : { kind: "node", id }));
    });
    cy.on("tap", "edge", (e) => {
      const edge = shown.edges.find((x) => x.src === e.target.data("src") && x.dst === e.target.data("dst"));
      if (edge) setSelected({ kind: "edge", edge });
    });
    (container.current as HTMLDivElement & { cy?: cytoscape.Core }).cy = cy;
    return () => cy.destroy();
  }, [elements, shown]);

  const link = selected ? flowsLink(level, selected) : null;
  return (
    <>
      <Typography.Title level={3}>{t("topology.title")}</Typography.Title>
      <div className="toolbar">
        <Space>
          {t("topology.level")}
          <Select value={level} onChange={(v) => { setLevel(v); setSelected(null); }} style={{ width: 140 }} aria-label="level"
            options={(["workload", "app", "namespace"] as const).map((l) => ({ value: l, label: t(`topology.${l}`) }))} />
          {t("topology.since")}
          <Select value={span} onChange={setSpan} style={{ width: 140 }} aria-label="since"
            options={Object.keys(windows).map((w) => ({ value: w, label: t(`topology.${w}`) }))} />
          <Input.Search allowClear placeholder={t("topology.filter")} aria-label="topology-filter" style={{ width: 260 }}
            onSearch={(v) => { setFilter(v); setSelected(null); }} />
        </Space>
        {shown && <span data-testid="topology-size">{t("topology.nodes", { nodes: shown.nodes.length, edges: shown.edges.length })}</span>}
        <Space>
          {t("topology.legend")}: <VerdictTag verdict="allow" /> <VerdictTag verdict="deny" /> <VerdictTag verdict="would-deny" />
        </Space>
      </div>
      <ProblemAlert error={topology.error} />
      {topology.data && topology.data.edges.length === 0 && <Typography.Paragraph>{t("topology.empty")}</Typography.Paragraph>}
      <div style={{ display: "flex", gap: 12 }}>
        <div ref={container} className="topology-canvas" data-testid="topology" style={{ flex: 1 }} />
        {selected && (
          <Card size="small" title={t("topology.selected")} style={{ width: 380 }} data-testid="topology-selection">
            {selected.kind === "node" ? (
              <Typography.Text strong>{selected.previous ? `${selected.previous} → ${selected.id}` : selected.id}</Typography.Text>
            ) : (
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t("flows.src")}>{selected.edge.src}</Descriptions.Item>
                <Descriptions.Item label={t("flows.dst")}>{selected.edge.dst}</Descriptions.Item>
                <Descriptions.Item label={t("topology.ports")}>{selected.edge.ports.join(", ")}</Descriptions.Item>
                <Descriptions.Item label={t("flows.verdict")}>
                  {Object.entries(selected.edge.verdicts).filter(([, n]) => n > 0).map(([v, n]) => <span key={v}><VerdictTag verdict={v} />{n} </span>)}
                </Descriptions.Item>
                <Descriptions.Item label={t("topology.policies")}>{selected.edge.policies.join(", ") || t("common.none")}</Descriptions.Item>
              </Descriptions>
            )}
            {link && <Link to={link}>{t("topology.flowsOf", { what: selected.kind === "node" ? selected.id : `${selected.edge.src} → ${selected.edge.dst}` })}</Link>}
            <div style={{ marginTop: 12 }}><WhySelection level={level} selected={selected} /></div>
          </Card>
        )}
      </div>
    </>
  );
}

