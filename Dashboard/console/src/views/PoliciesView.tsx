import { useState } from "react";
import { Button, Popconfirm, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { usePagedList } from "../api/paged";
import type { Policy, PolicyRule, Topology } from "../api/types";
import { ProblemAlert } from "../components/ProblemAlert";
import { directionEffect, selectorText } from "../policy/describe";
import { PolicyEditor } from "./PolicyEditor";

function isDefaultDenyOnly(p: Policy): boolean {
  const effects = [directionEffect(p, p.ingress), directionEffect(p, p.egress)].filter((e) => e.kind !== "untouched");
  return effects.length > 0 && effects.every((e) => e.kind === "default-deny");
}

/** Every policy: draft or active, what it selects, and what each direction does (default deny reads as deny). */
export function PoliciesView() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [editing, setEditing] = useState<Policy | "new" | null>(null);
  // Paged on the server (100 a page, in id order); "more" fetches the next page with the cursor the server gave.
  const policies = usePagedList<Policy>("policies", "/api/v1/policies");
  // Per-policy hits: the edges the topology index attributes to each policy, summed over verdicts.
  const topology = useQuery({ queryKey: ["topology", "workload", ""], queryFn: ({ signal }) => api<Topology>("/api/v1/topology?level=workload", { signal }) });
  const hits = new Map<string, number>();
  for (const e of topology.data?.edges ?? []) {
    const total = Object.values(e.verdicts).reduce((a, b) => a + b, 0);
    for (const p of e.policies) hits.set(p, (hits.get(p) ?? 0) + total);
  }
  const remove = useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/policies/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["policies"] }),
  });

  const effect = (p: Policy, rules: PolicyRule[] | null | undefined, direction: "Ingress" | "Egress") => {
    const e = directionEffect(p, rules);
    if (e.kind === "untouched") return <span>{t("policies.untouched")}</span>;
    if (e.kind === "default-deny") return <Tag color="red" data-effect="default-deny">{t(`policies.defaultDeny${direction}`)}</Tag>;
    return <Tag color={p.action === "deny" ? "red" : "green"}>{t(`policies.allows${direction}`, { count: e.count })}</Tag>;
  };

  const columns: ColumnsType<Policy> = [
    { title: t("policies.id"), dataIndex: "id" },
    {
      title: t("policies.state"), key: "state",
      render: (_, p) => <Tag color={p.draft ? "default" : "blue"} data-state={p.draft ? "draft" : "active"}>{p.draft ? t("policies.draft") : t("policies.active")}</Tag>,
    },
    {
      title: t("policies.action"), key: "action",
      // An allow policy that admits nothing (every list it has is empty) only denies: say so, not "allow".
      render: (_, p) => {
        const onlyDenies = isDefaultDenyOnly(p);
        const action = onlyDenies ? "deny" : (p.action ?? "allow");
        return <Tag color={action === "deny" ? "red" : "green"} data-action={action}>{t(`policies.${action}`)}</Tag>;
      },
    },
    { title: t("policies.namespace"), dataIndex: "namespace" },
    { title: t("policies.selector"), key: "selector", render: (_, p) => selectorText(p.selector) || t("policies.everything") },
    { title: t("policies.ingress"), key: "ingress", render: (_, p) => effect(p, p.ingress, "Ingress") },
    { title: t("policies.egress"), key: "egress", render: (_, p) => effect(p, p.egress, "Egress") },
    { title: t("policies.hits"), key: "hits", align: "right", render: (_, p) => hits.get(p.id) ?? 0 },
    { title: t("policies.origin"), key: "origin", render: (_, p) => (p.origin ? t("policies.kubernetes", { where: p.origin.namespace, name: p.origin.name }) : "") },
    {
      key: "actions",
      render: (_, p) => (
        <Space>
          <Button size="small" onClick={() => setEditing(p)}>{t("common.edit")}</Button>
          <Popconfirm title={t("common.confirmDelete", { name: p.id })} okText={t("common.yes")} cancelText={t("common.no")} onConfirm={() => remove.mutate(p.id)}>
            <Button size="small" danger>{t("common.delete")}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <>
      <Typography.Title level={3}>{t("policies.title")}</Typography.Title>
      <div className="toolbar">
        <Button type="primary" onClick={() => setEditing("new")} data-testid="new-policy">{t("policies.create")}</Button>
      </div>
      <ProblemAlert error={policies.error ?? remove.error} />
      <Table<Policy> data-testid="policies" size="small" rowKey="id" columns={columns} dataSource={policies.items} loading={policies.isLoading} pagination={false} />
      {policies.hasNextPage && (
        <Button style={{ marginTop: 8 }} data-testid="policies-more" onClick={() => void policies.fetchNextPage()} loading={policies.isFetchingNextPage}>
          {t("common.more")}
        </Button>
      )}
      {editing && (
        <PolicyEditor policy={editing === "new" ? null : editing} onClose={() => setEditing(null)}
          onSaved={() => { setEditing(null); void queries.invalidateQueries({ queryKey: ["policies"] }); }} />
      )}
    </>
  );
}
