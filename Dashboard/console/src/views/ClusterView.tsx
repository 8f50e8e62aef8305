import { Badge, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { ProblemAlert } from "../components/ProblemAlert";

interface Silo {
  name: string;
  address: string;
  status: string;
  startedAt?: string | null;
  uptimeSeconds?: number | null;
  activations?: number | null;
  self?: boolean;
}

/** Silos and their status as Orleans membership reports them (GET /api/v1/cluster). */
export function ClusterView() {
  const { t } = useTranslation();
  const cluster = useQuery({ queryKey: ["cluster"], queryFn: ({ signal }) => api<{ silos: Silo[] }>("/api/v1/cluster", { signal }), refetchInterval: 5000 });
  const columns: ColumnsType<Silo> = [
    { title: t("cluster.silo"), dataIndex: "name", render: (v: string, s) => <>{v} {s.self && <Tag>{t("cluster.self")}</Tag>}</> },
    { title: t("cluster.address"), dataIndex: "address" },
    { title: t("cluster.status"), dataIndex: "status", render: (v: string) => <Badge status={v === "Active" ? "success" : "error"} text={v} /> },
    { title: t("cluster.started"), dataIndex: "startedAt", render: (v?: string | null) => (v ? new Date(v).toLocaleString() : "") },
    { title: t("cluster.uptime"), dataIndex: "uptimeSeconds", render: (v?: number | null) => (v == null ? "" : t("cluster.seconds", { count: Math.round(v) })) },
    { title: t("cluster.activations"), dataIndex: "activations", align: "right" },
  ];
  return (
    <>
      <Typography.Title level={3}>{t("cluster.title")}</Typography.Title>
      <p><a href="/dashboard/">{t("cluster.orleans")}</a></p>
      <ProblemAlert error={cluster.error} />
      <Table<Silo> size="small" rowKey="address" columns={columns} dataSource={cluster.data?.silos} loading={cluster.isLoading} pagination={false} />
    </>
  );
}
