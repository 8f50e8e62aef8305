import { Tag } from "antd";
import { useTranslation } from "react-i18next";

/** One colour per verdict, shared with the map's edges. */
export const verdictColors: Record<string, string> = { allow: "#389e0d", deny: "#cf1322", "would-deny": "#d48806" };

export function VerdictTag({ verdict }: { verdict: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={verdictColors[verdict] ?? "default"} data-verdict={verdict}>
      {t(`verdict.${verdict}`, { defaultValue: verdict })}
    </Tag>
  );
}
