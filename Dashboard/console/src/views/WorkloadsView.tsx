import { Button, Select, Table, Typography, message } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { usePagedList } from "../api/paged";
import type { Workload } from "../api/types";
import { LabelTags } from "../components/LabelTags";
import { ProblemAlert } from "../components/ProblemAlert";

/** Every workload with its labels and enforcement mode; the mode is changed by replacing the workload (PUT). */
export function WorkloadsView() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  // Paged on the server (100 a page, in id order); "more" fetches the next page with the cursor the server gave.
  const workloads = usePagedList<Workload>("workloads", "/api/v1/workloads", 10_000);
  // The mode a workload without its own gets is the cluster's, read from the API rather than assumed.
  const settings = useQuery({ queryKey: ["enforcement"], queryFn: ({ signal }) => api<{ defaultMode: string }>("/api/v1/settings/enforcement", { signal }) });
  const clusterDefault = settings.data
    ? t("workloads.defaultIs", { mode: t(`workloads.${settings.data.defaultMode}`, { defaultValue: settings.data.defaultMode }) })
    : t("workloads.default");
  const setMode = useMutation({
    mutationFn: ({ workload, mode }: { workload: Workload; mode: string | null }) => {
      const { identity: _identity, ...spec } = workload;
      return api<Workload>(`/api/v1/workloads/${encodeURIComponent(workload.id)}`, { method: "PUT", body: { ...spec, mode } });
    },
    onSuccess: (w) => {
      void message.success(t("workloads.modeChanged", { id: w.id, mode: w.mode ?? clusterDefault }));
      return queries.invalidateQueries({ queryKey: ["workloads"] });
    },
  });

  const columns: ColumnsType<Workload> = [
    { title: t("workloads.id"), dataIndex: "id" },
    { title: t("workloads.namespace"), dataIndex: "namespace" },
    { title: t("workloads.node"), dataIndex: "node" },
    { title: t("workloads.interface"), dataIndex: "interface" },
    { title: t("workloads.addresses"), dataIndex: "addresses", render: (a: string[]) => a.join(", ") },
    { title: t("workloads.labels"), dataIndex: "labels", render: (l) => <LabelTags labels={l} /> },
    {
      title: t("workloads.mode"), key: "mode",
      render: (_, w) => (
        <Select size="small" style={{ width: 200 }} value={w.mode ?? ""} aria-label={`mode-${w.id}`} data-testid={`mode-${w.id}`}
          loading={setMode.isPending && setMode.variables?.workload.id === w.id}
          onChange={(v: string) => setMode.mutate({ workload: w, mode: v === "" ? null : v })}
          options={[
            { value: "", label: clusterDefault },
            { value: "monitor", label: t("workloads.monitor") },
            { value: "protect", label: t("workloads.protect") },
          ]} />
      ),
    },
    { title: t("workloads.identity"), dataIndex: "identity" },
  ];

  return (
    <>
      <Typography.Title level={3}>{t("workloads.title")}</Typography.Title>
      <ProblemAlert error={workloads.error ?? setMode.error} />
      <Table<Workload> data-testid="workloads" size="small" rowKey="id" columns={columns} dataSource={workloads.items} loading={workloads.isLoading} pagination={false} />
      {workloads.hasNextPage && (
        <Button style={{ marginTop: 8 }} data-testid="workloads-more" onClick={() => void workloads.fetchNextPage()} loading={workloads.isFetchingNextPage}>
          {t("common.more")}
        </Button>
      )}
    </>
  );
}
