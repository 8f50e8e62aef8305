import { useEffect, useState } from "react";
import { Alert, Button, Descriptions, Input, InputNumber, Select, Space, Tag, Typography } from "antd";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { DirectionVerdict, WhyAnswer } from "../api/types";
import { decidingDirection, hasPorts, protocols } from "../why/deciding";
import { ProblemAlert } from "./ProblemAlert";
import { VerdictTag } from "./VerdictTag";

interface Question {
  src: string;
  dst: string;
  protocol: string;
  port: number | null;
}

interface Props {
  src: string;
  dst: string;
  protocol?: string;
  port?: number | null;
  /** Let the user change src and dst (the /why page); the map fixes them to the selection. */
  editablePeers?: boolean;
  /** Ask at once (a link that names everything); otherwise the user presses Explain. */
  autoExplain?: boolean;
}

/** Asks GET /api/v1/why for a pair and port and shows the verdict, the deciding policy and rule, and each side's reason. */
export function WhyPanel({ src: initialSrc, dst: initialDst, protocol: initialProtocol = "TCP", port: initialPort = null, editablePeers = false, autoExplain = false }: Props) {
  const { t } = useTranslation();
  const [src, setSrc] = useState(initialSrc);
  const [dst, setDst] = useState(initialDst);
  const [protocol, setProtocol] = useState(initialProtocol.toUpperCase());
  const [port, setPort] = useState<number | null>(initialPort);
  const why = useMutation({
    mutationFn: (ask: Question) => {
      // Sent as typed, even when empty or out of range: the API names the bad field and the panel shows it.
      const q = new URLSearchParams({ src: ask.src, dst: ask.dst, protocol: ask.protocol });
      if (hasPorts(ask.protocol) && ask.port !== null) q.set("port", String(ask.port));
      return api<WhyAnswer>(`/api/v1/why?${q}`);
    },
  });

  // A new selection on the map starts a new question.
  useEffect(() => {
    setSrc(initialSrc);
    setDst(initialDst);
    setProtocol(initialProtocol.toUpperCase());
    setPort(initialPort);
    why.reset();
    // Only a new selection resets; the mutation object changes every render and must not.
  }, [initialSrc, initialDst, initialProtocol, initialPort]);
  useEffect(() => {
    if (autoExplain && initialSrc && initialDst) why.mutate({ src: initialSrc, dst: initialDst, protocol: initialProtocol.toUpperCase(), port: initialPort });
  }, [autoExplain, initialSrc, initialDst, initialProtocol, initialPort]);

  const answer = why.data;
  const deciding = answer ? decidingDirection(answer) : null;
  return (
    <div data-testid="why">
      <Space wrap style={{ marginBottom: 8 }}>
        {editablePeers ? (
          <>
            <Input aria-label="why-src" placeholder={t("why.src")} value={src} onChange={(e) => setSrc(e.target.value)} style={{ width: 180 }} />
            <Input aria-label="why-dst" placeholder={t("why.dst")} value={dst} onChange={(e) => setDst(e.target.value)} style={{ width: 180 }} />
          </>
        ) : (
          <Typography.Text>{t("why.pair", { src, dst })}</Typography.Text>
        )}
        <Select aria-label="why-protocol" value={protocol} onChange={setProtocol} style={{ width: 100 }}
          options={protocols.map((p) => ({ value: p, label: p }))} />
        {hasPorts(protocol) && (
          <InputNumber aria-label="why-port" placeholder={t("why.port")} value={port} onChange={(v) => setPort(typeof v === "number" ? v : null)} style={{ width: 110 }} />
        )}
        <Button type="primary" onClick={() => why.mutate({ src, dst, protocol, port })} loading={why.isPending} data-testid="why-explain">{t("why.explain")}</Button>
      </Space>
      <ProblemAlert error={why.error} />
      {answer && (
        <>
          <Alert type={answer.verdict === "allowed" ? "success" : "error"} showIcon data-testid="why-verdict" data-verdict={answer.verdict}
            title={t(`why.${answer.verdict}`, { defaultValue: answer.verdict })} description={answer.summary} style={{ marginBottom: 8 }} />
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t("why.decidingPolicy")}>
              <span data-testid="why-policy">{deciding?.policy ?? t("why.noPolicy")}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("why.reason")}>
              <span data-testid="why-reason">{deciding ? reasonText(t, deciding) : t("why.notEnforced")}</span>
            </Descriptions.Item>
          </Descriptions>
          <Side side="egress" verdict={answer.egress} />
          <Side side="ingress" verdict={answer.ingress} />
        </>
      )}
    </div>
  );
}

type T = ReturnType<typeof useTranslation>["t"];

function reasonText(t: T, v: DirectionVerdict): string {
  const reason = t(`why.reasons.${v.reason}`, { defaultValue: v.reason });
  return v.rule ? `${reason} (${v.rule})` : reason;
}

/** One side's decision: which workload enforced it, in which mode, and why. */
function Side({ side, verdict }: { side: "egress" | "ingress"; verdict?: DirectionVerdict | null }) {
  const { t } = useTranslation();
  return (
    <div style={{ marginTop: 8 }} data-testid={`why-${side}`}>
      <Typography.Text strong>{t(`why.${side}`)}: </Typography.Text>
      {verdict ? (
        <span data-direction={verdict.direction}>
          {verdict.workload} <VerdictTag verdict={verdict.wouldDeny ? "would-deny" : verdict.allowed ? "allow" : "deny"} />
          {reasonText(t, verdict)} · <Tag>{t(`workloads.${verdict.mode}`, { defaultValue: verdict.mode })}</Tag>
          {verdict.policy && <span> · {t("why.policy")}: {verdict.policy}</span>}
        </span>
      ) : (
        <span>{t("why.notEnforced")}</span>
      )}
    </div>
  );
}
