import { useEffect, useState } from "react";
import { ConfigProvider, Layout, Menu, Button, Space } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { Link, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { onUnauthorized } from "./api/client";
import { clearToken, readToken } from "./auth/token";
import { setLanguage } from "./i18n";
import { SignIn } from "./components/SignIn";
import { FlowsView } from "./views/FlowsView";
import { NodesView } from "./views/NodesView";
import { PoliciesView } from "./views/PoliciesView";
import { TopologyView } from "./views/TopologyView";
import { WorkloadsView } from "./views/WorkloadsView";
import { NamespacesView } from "./views/NamespacesView";
import { ClusterView } from "./views/ClusterView";
import { WhyView } from "./views/WhyView";

/** The console's routes; the silo serves index.html for each of them. */
export const routes = ["topology", "flows", "workloads", "namespaces", "policies", "nodes", "cluster", "why"] as const;

export function App() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const queries = useQueryClient();
  const [needsToken, setNeedsToken] = useState(() => readToken() === null);

  useEffect(() => onUnauthorized(() => setNeedsToken(true)), []);

  const current = location.pathname.split("/")[1] || "topology";
  const items = [
    ...routes.map((r) => ({ key: r, label: <Link to={`/${r}`}>{t(`nav.${r}`)}</Link> })),
    { key: "orleans", label: <a href="/dashboard/">{t("nav.orleans")}</a> },
  ];
  const chinese = i18n.language === "zh";

  return (
    <ConfigProvider locale={chinese ? zhCN : enUS}>
      <Layout style={{ minHeight: "100%" }}>
        <Layout.Header className="console-header">
          <span className="brand">{t("app.title")}</span>
          <Menu theme="dark" mode="horizontal" selectedKeys={[current]} items={items} style={{ flex: 1, minWidth: 0 }} aria-label="navigation" />
          <Space>
            <Button size="small" onClick={() => setLanguage(chinese ? "en" : "zh")} aria-label={t("app.languageLabel")} data-testid="language">
              {t("app.language")}
            </Button>
            {!needsToken && (
              <Button size="small" onClick={() => { clearToken(); queries.clear(); setNeedsToken(true); }}>
                {t("signIn.signOut")}
              </Button>
            )}
          </Space>
        </Layout.Header>
        <Layout.Content className="console-content">
          {needsToken ? (
            <SignIn onSignedIn={() => { setNeedsToken(false); void queries.invalidateQueries(); }} />
          ) : (
            <Routes>
              <Route path="/" element={<Navigate to="/topology" replace />} />
              <Route path="/topology" element={<TopologyView />} />
              <Route path="/flows" element={<FlowsView />} />
              <Route path="/workloads" element={<WorkloadsView />} />
              <Route path="/namespaces" element={<NamespacesView />} />
              <Route path="/policies" element={<PoliciesView />} />
              <Route path="/nodes" element={<NodesView />} />
              <Route path="/cluster" element={<ClusterView />} />
              <Route path="/why" element={<WhyView />} />
              <Route path="*" element={<Navigate to="/topology" replace />} />
            </Routes>
          )}
        </Layout.Content>
      </Layout>
    </ConfigProvider>
  );
}
