import { Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { Namespace, Workload } from "../api/types";
import { LabelTags } from "../components/LabelTags";
import { ProblemAlert } from "../components/ProblemAlert";

interface Row {
  name: string;
  labels: Record<string, string>;
  workloads: number;
}

/** Namespaces with labels (from the API) and the workloads in each; a namespace with workloads but no labels set still shows. */
export function NamespacesView() {
  const { t } = useTranslation();
  const namespaces = useQuery({ queryKey: ["namespaces"], queryFn: ({ signal }) => api<Namespace[]>("/api/v1/namespaces", { signal }) });
  const workloads = useQuery({ queryKey: ["workloads"], queryFn: ({ signal }) => api<Workload[]>("/api/v1/workloads", { signal }) });
  const rows = new Map<string, Row>();
  for (const n of namespaces.data ?? []) rows.set(n.name, { name: n.name, labels: n.labels, workloads: 0 });
  for (const w of workloads.data ?? []) {
    const row = rows.get(w.namespace) ?? { name: w.namespace, labels: { "kubernetes.io/metadata.name": w.namespace }, workloads: 0 };
    row.workloads += 1;
    rows.set(w.namespace, row);
  }
  const columns: ColumnsType<Row> = [
    { title: t("namespaces.name"), dataIndex: "name" },
    { title: t("namespaces.labels"), dataIndex: "labels", render: (l) => <LabelTags labels={l} /> },
    { title: t("namespaces.workloads"), dataIndex: "workloads", align: "right" },
  ];
  return (
    <>
      <Typography.Title level={3}>{t("namespaces.title")}</Typography.Title>
      <ProblemAlert error={namespaces.error ?? workloads.error} />
      <Table<Row> size="small" rowKey="name" columns={columns} dataSource={[...rows.values()]} loading={namespaces.isLoading} pagination={{ pageSize: 50 }} />
    </>
  );
}
