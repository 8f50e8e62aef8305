import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";
import { WhyPanel } from "../components/WhyPanel";

/** /why?src=&dst=&protocol=&port=: the verdict for any pair; links from /flows name all four and ask at once. */
export function WhyView() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const port = Number(params.get("port"));
  const src = params.get("src") ?? "";
  const dst = params.get("dst") ?? "";
  return (
    <>
      <Typography.Title level={3}>{t("why.title")}</Typography.Title>
      <WhyPanel editablePeers src={src} dst={dst} protocol={params.get("protocol") ?? "TCP"}
        port={Number.isInteger(port) && port > 0 ? port : null} autoExplain={src !== "" && dst !== ""} />
    </>
  );
}
