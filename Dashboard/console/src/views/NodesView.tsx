import { Badge, Button, Popconfirm, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { NodeStatus } from "../api/types";
import { ProblemAlert } from "../components/ProblemAlert";

/** Every node with what its agent last reported: connection, revisions, interface attach state. */
export function NodesView() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const nodes = useQuery({ queryKey: ["nodes"], queryFn: ({ signal }) => api<NodeStatus[]>("/api/v1/nodes", { signal }), refetchInterval: 3000 });
  const remove = useMutation({
    mutationFn: (name: string) => api<void>(`/api/v1/nodes/${encodeURIComponent(name)}`, { method: "DELETE" }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["nodes"] }),
  });

  const columns: ColumnsType<NodeStatus> = [
    { title: t("nodes.name"), dataIndex: "name" },
    {
      title: t("nodes.agent"), key: "agent",
      render: (_, n) => (
        <span data-testid={`agent-${n.name}`} data-connected={String(n.agentConnected)}>
          <Badge status={n.agentConnected ? "success" : "error"} text={n.agentConnected ? t("nodes.connected") : t("nodes.disconnected")} />
        </span>
      ),
    },
    { title: t("nodes.lastSeen"), dataIndex: "lastSeen", render: (v?: string | null) => (v ? new Date(v).toLocaleString() : t("common.never")) },
    { title: t("nodes.desired"), dataIndex: "revision" },
    {
      title: t("nodes.applied"), key: "applied",
      render: (_, n) => {
        const applied = n.appliedRevision;
        const inSync = applied !== null && applied !== undefined && applied === n.revision;
        return (
          <span data-testid={`applied-${n.name}`} data-in-sync={String(inSync)}>
            {applied ?? t("nodes.notReported")}{" "}
            <Tag color={inSync ? "green" : "orange"}>{inSync ? t("nodes.inSync") : t("nodes.behind")}</Tag>
          </span>
        );
      },
    },
    {
      title: t("nodes.interfaces"), key: "interfaces",
      render: (_, n) => {
        const ack = n.lastAck;
        if (!ack) return t("nodes.notReported");
        return (
          <Space size={[0, 4]} wrap>
            {ack.attachedInterfaces.map((i) => <Tag key={`a-${i}`} color="green">{`${i}: ${t("nodes.attached")}`}</Tag>)}
            {ack.missingInterfaces.map((i) => <Tag key={`m-${i}`} color="red">{`${i}: ${t("nodes.missing")}`}</Tag>)}
            {(ack.refusedInterfaces ?? []).map((r) => (
              <Tooltip key={`r-${r.interface}`} title={r.reason}><Tag color="volcano">{`${r.interface}: ${t("nodes.refused")}`}</Tag></Tooltip>
            ))}
          </Space>
        );
      },
    },
    { title: t("nodes.endpoints"), dataIndex: "endpoints", align: "right" },
    { title: t("nodes.entries"), dataIndex: "policyEntries", align: "right" },
    { title: t("nodes.wouldDeny"), key: "wouldDeny", align: "right", render: (_, n) => n.wouldDeny?.wouldDenyPackets ?? 0 },
    {
      key: "actions",
      render: (_, n) => (
        <Popconfirm title={t("common.confirmDelete", { name: n.name })} okText={t("common.yes")} cancelText={t("common.no")} onConfirm={() => remove.mutate(n.name)}>
          <Button danger size="small">{t("nodes.remove")}</Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <>
      <Typography.Title level={3}>{t("nodes.title")}</Typography.Title>
      <ProblemAlert error={nodes.error ?? remove.error} />
      <Table<NodeStatus> data-testid="nodes" size="small" rowKey="name" columns={columns} dataSource={nodes.data} loading={nodes.isLoading} pagination={{ pageSize: 50 }} />
    </>
  );
}
