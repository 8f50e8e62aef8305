import { useEffect, useMemo, useRef, useState } from "react";
import { Alert, Button, Input, Select, Space, Switch, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { api } from "../api/client";
import { followFlows } from "../api/follow";
import type { Flow, FlowEnd, FlowPage } from "../api/types";
import { ProblemAlert } from "../components/ProblemAlert";
import { VerdictTag } from "../components/VerdictTag";

const filterKeys = ["src", "dst", "namespace", "verdict", "policy", "since"] as const;
const windows: Record<string, number> = { last15m: 15 * 60, lastHour: 3600, lastDay: 86400 };
const liveLimit = 500;

/** The /why question for a flow: its ends (workload ids, else addresses), protocol and destination port. */
function whyLink(f: Flow): string {
  const q = new URLSearchParams({ src: f.src.workload ?? f.src.address ?? "", dst: f.dst.workload ?? f.dst.address ?? "", protocol: f.protocol });
  if (f.dst.port) q.set("port", String(f.dst.port));
  return `/why?${q}`;
}

/** Flow history newest first, filtered by the URL's query (so the map can link here), with live follow and pause. */
export function FlowsView() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState(() => Object.fromEntries(filterKeys.map((k) => [k, params.get(k) ?? ""])));
  const [follow, setFollow] = useState(false);
  const [paused, setPaused] = useState(false);
  const [live, setLive] = useState<Flow[]>([]);
  const [held, setHeld] = useState<Flow[]>([]);
  const [streamError, setStreamError] = useState<string | null>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  const query = useMemo(() => {
    const q = new URLSearchParams();
    for (const k of filterKeys) if (params.get(k)) q.set(k, params.get(k)!);
    return q;
  }, [params]);

  const history = useInfiniteQuery({
    queryKey: ["flows", query.toString()],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams(query);
      q.set("limit", "100");
      if (pageParam) q.set("cursor", pageParam);
      return api<FlowPage>(`/api/v1/flows?${q}`, { signal });
    },
    getNextPageParam: (last) => last.next ?? undefined,
    refetchInterval: follow ? false : 10_000,
  });

  useEffect(() => {
    if (!follow) return;
    const abort = new AbortController();
    setLive([]);
    setHeld([]);
    setStreamError(null);
    followFlows(query, (flow) => {
      if (pausedRef.current) setHeld((h) => [flow, ...h].slice(0, liveLimit));
      else setLive((l) => [flow, ...l].slice(0, liveLimit));
    }, abort.signal).catch((e: Error) => {
      if (!abort.signal.aborted) setStreamError(e.message);
    });
    return () => abort.abort();
  }, [follow, query]);

  function togglePause() {
    if (paused) {
      setLive((l) => [...held, ...l].slice(0, liveLimit));
      setHeld([]);
    }
    setPaused(!paused);
  }

  const rows = useMemo(() => [...live, ...(history.data?.pages.flatMap((p) => p.items) ?? [])], [live, history.data]);
  const end = (e: FlowEnd, port?: boolean) =>
    `${e.workload ? `${e.namespace ?? "default"}/${e.workload}` : t("flows.external")} ${e.address ?? ""}${port && e.port ? `:${e.port}` : ""}`;
  const columns: ColumnsType<Flow> = [
    { title: t("flows.lastSeen"), dataIndex: "lastSeen", render: (v: string) => new Date(v).toLocaleString() },
    { title: t("flows.src"), key: "src", render: (_, f) => end(f.src) },
    { title: t("flows.dst"), key: "dst", render: (_, f) => end(f.dst, true) },
    { title: t("flows.protocol"), dataIndex: "protocol" },
    { title: t("flows.verdict"), dataIndex: "verdict", render: (v: string) => <VerdictTag verdict={v} /> },
    { title: t("flows.policy"), dataIndex: "policy", render: (v?: string | null) => v ?? t("common.none") },
    { title: t("flows.reason"), dataIndex: "reason", render: (v?: string | null) => (v ? t(`reason.${v}`, { defaultValue: v }) : "") },
    { title: t("flows.node"), dataIndex: "node" },
    { title: t("flows.connections"), dataIndex: "connections", align: "right" },
    { title: t("flows.packets"), dataIndex: "packets", align: "right" },
    { title: t("flows.bytes"), dataIndex: "bytes", align: "right" },
    { key: "why", render: (_, f) => <Link to={whyLink(f)} data-testid="flow-why">{t("why.open")}</Link> },
  ];

  const text = (k: (typeof filterKeys)[number]) => (
    <Input key={k} placeholder={t(`flows.${k === "src" ? "src" : k === "dst" ? "dst" : k}`)} value={draft[k]} allowClear
      onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} style={{ width: 150 }} aria-label={k} />
  );

  return (
    <>
      <Typography.Title level={3}>{t("flows.title")}</Typography.Title>
      <div className="toolbar">
        {text("src")}
        {text("dst")}
        {text("namespace")}
        {text("policy")}
        <Select allowClear placeholder={t("flows.verdict")} value={draft.verdict || undefined} style={{ width: 140 }} aria-label="verdict"
          onChange={(v) => setDraft({ ...draft, verdict: v ?? "" })}
          options={["allow", "deny", "would-deny"].map((v) => ({ value: v, label: t(`verdict.${v}`) }))} />
        <Select allowClear placeholder={t("flows.since")} style={{ width: 150 }} aria-label="since" value={draft.since ? "custom" : undefined}
          onChange={(v?: string) => v !== "custom" && setDraft({ ...draft, since: v ? new Date(Date.now() - windows[v] * 1000).toISOString() : "" })}
          options={[...Object.keys(windows).map((w) => ({ value: w, label: t(`flows.${w}`) })), ...(draft.since ? [{ value: "custom", label: new Date(draft.since).toLocaleString() }] : [])]} />
        <Button type="primary" onClick={() => setParams(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)))}>
          {t("flows.filter")}
        </Button>
        <Space>
          <Switch checked={follow} onChange={setFollow} aria-label={t("flows.follow")} />
          {t("flows.follow")}
        </Space>
        {follow && <Button onClick={togglePause}>{paused ? t("flows.resume") : t("flows.pause")}</Button>}
      </div>
      {follow && <Alert type={paused ? "warning" : "info"} title={paused ? t("flows.paused", { count: held.length }) : t("flows.following")} style={{ marginBottom: 8 }} />}
      {streamError && <Alert type="error" title={t("flows.streamError", { message: streamError })} style={{ marginBottom: 8 }} />}
      <ProblemAlert error={history.error} />
      <Table<Flow> data-testid="flows" size="small" rowKey={(f, i) => `${f.lastSeen}|${f.node}|${f.src.address}|${f.dst.address}|${f.dst.port}|${f.verdict}|${i}`}
        columns={columns} dataSource={rows} loading={history.isLoading} pagination={false}
        rowClassName={(f) => `flow-${f.verdict}`} />
      {history.hasNextPage && (
        <Button style={{ marginTop: 8 }} onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
          {t("flows.more")}
        </Button>
      )}
    </>
  );
}
