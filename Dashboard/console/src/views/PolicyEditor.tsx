import { useState } from "react";
import { Form, Input, Modal, Radio, Switch, Tabs, Typography } from "antd";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { parse, stringify } from "yaml";
import { api } from "../api/client";
import { ApiError } from "../api/problem";
import type { Policy } from "../api/types";
import { ProblemAlert } from "../components/ProblemAlert";
import { parseLabels, parsePorts, selectorText } from "../policy/describe";

interface FormValues {
  id: string;
  action: "allow" | "deny";
  draft: boolean;
  direction: "ingress" | "egress";
  selector: string;
  peers: string;
  ports: string;
}

type Mode = "form" | "yaml" | "kubernetes";

/** Builds a one-rule policy from the form; a malformed label or port is reported as the API would, by field. */
export function policyFromForm(v: FormValues): Policy {
  const errors: { field: string; message: string }[] = [];
  const selector = parseLabels(v.selector ?? "");
  const peers = parseLabels(v.peers ?? "");
  const ports = parsePorts(v.ports ?? "");
  for (const b of selector.bad) errors.push({ field: "selector.matchLabels", message: `'${b}' is not key=value` });
  for (const b of peers.bad) errors.push({ field: `${v.direction}[0].${v.direction === "ingress" ? "from" : "to"}`, message: `'${b}' is not key=value` });
  for (const b of ports.bad) errors.push({ field: `${v.direction}[0].ports`, message: `'${b}' is not PROTOCOL/PORT` });
  if (errors.length > 0) throw new ApiError(400, "The form is invalid.", undefined, errors);
  const peerList = Object.keys(peers.labels).length > 0 ? [{ selector: { matchLabels: peers.labels } }] : [];
  const rule = v.direction === "ingress"
    ? { from: peerList, ports: ports.ports.length > 0 ? ports.ports : undefined }
    : { to: peerList, ports: ports.ports.length > 0 ? ports.ports : undefined };
  return {
    id: v.id?.trim() ?? "",
    selector: { matchLabels: selector.labels },
    action: v.action,
    draft: v.draft,
    [v.direction]: [rule],
  };
}

/** Create or edit a policy as a form, as YAML (the API's JSON shape), or import Kubernetes NetworkPolicy YAML. */
export function PolicyEditor({ policy, onClose, onSaved }: { policy: Policy | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>(policy ? "yaml" : "form");
  const [yaml, setYaml] = useState(() => stringify(policy ? withoutOrigin(policy) : { id: "", selector: { matchLabels: {} }, ingress: [] }));
  const [kubernetes, setKubernetes] = useState("");
  const [form] = Form.useForm<FormValues>();

  const save = useMutation({
    mutationFn: async () => {
      if (mode === "kubernetes") {
        return api<unknown>("/api/v1/networkpolicies", { method: "POST", body: kubernetes, contentType: "application/yaml" });
      }
      let body: Policy;
      if (mode === "form") {
        body = policyFromForm(await form.validateFields());
      } else {
        try {
          body = parse(yaml) as Policy;
        } catch (e) {
          throw new ApiError(400, t("policies.badYaml", { message: (e as Error).message }));
        }
      }
      if (policy) return api<Policy>(`/api/v1/policies/${encodeURIComponent(policy.id)}`, { method: "PUT", body });
      return api<Policy>("/api/v1/policies", { method: "POST", body });
    },
    onSuccess: onSaved,
  });

  const items = [
    {
      key: "form", label: t("policies.form"), disabled: policy !== null,
      children: (
        <Form form={form} layout="vertical" initialValues={{ action: "allow", draft: false, direction: "ingress", selector: "", peers: "", ports: "" }}>
          <Form.Item label={t("policies.id")} name="id"><Input aria-label="policy-id" /></Form.Item>
          <Form.Item label={t("policies.action")} name="action">
            <Radio.Group options={[{ value: "allow", label: t("policies.allow") }, { value: "deny", label: t("policies.deny") }]} />
          </Form.Item>
          <Form.Item label={t("policies.matchLabels")} name="selector"><Input aria-label="policy-selector" placeholder="app=b" /></Form.Item>
          <Form.Item label={t("policies.direction")} name="direction">
            <Radio.Group options={[{ value: "ingress", label: t("policies.ingress") }, { value: "egress", label: t("policies.egress") }]} />
          </Form.Item>
          <Form.Item label={t("policies.fromLabels")} name="peers"><Input aria-label="policy-peers" placeholder="app=a" /></Form.Item>
          <Form.Item label={t("policies.ports")} name="ports"><Input aria-label="policy-ports" placeholder="TCP/80" /></Form.Item>
          <Form.Item label={t("policies.draftSwitch")} name="draft" valuePropName="checked"><Switch aria-label="policy-draft" /></Form.Item>
        </Form>
      ),
    },
    {
      key: "yaml", label: t("policies.yaml"),
      children: <Input.TextArea aria-label="policy-yaml" value={yaml} onChange={(e) => setYaml(e.target.value)} autoSize={{ minRows: 12, maxRows: 30 }} style={{ fontFamily: "monospace" }} />,
    },
    {
      key: "kubernetes", label: t("policies.import"), disabled: policy !== null,
      children: (
        <>
          <Typography.Paragraph>{t("policies.importHelp")}</Typography.Paragraph>
          <Input.TextArea aria-label="kubernetes-yaml" value={kubernetes} onChange={(e) => setKubernetes(e.target.value)} autoSize={{ minRows: 12, maxRows: 30 }} style={{ fontFamily: "monospace" }} />
        </>
      ),
    },
  ];

  return (
    <Modal open width={760} title={policy ? t("policies.editTitle", { id: policy.id }) : t("policies.createTitle")}
      okText={t("common.save")} cancelText={t("common.cancel")} onCancel={onClose} onOk={() => save.mutate()} confirmLoading={save.isPending}>
      {policy && <Typography.Paragraph type="secondary">{selectorText(policy.selector)}</Typography.Paragraph>}
      <Tabs activeKey={mode} onChange={(k) => { setMode(k as Mode); save.reset(); }} items={items} />
      <ProblemAlert error={save.error} />
    </Modal>
  );
}

function withoutOrigin(policy: Policy): Policy {
  const { origin: _origin, ...rest } = policy;
  return rest;
}
