import { useState } from "react";
import { Alert, Button, Card, Form, Input } from "antd";
import { useTranslation } from "react-i18next";
import { startSession } from "../api/client";
import { clearToken, storeToken } from "../auth/token";
import { ProblemAlert } from "./ProblemAlert";

/** Asks for an API token; it is checked by asking the API for a session before the console uses it. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: { token: string }) {
    setBusy(true);
    setError(null);
    storeToken(values.token);
    try {
      await startSession();
      onSignedIn();
    } catch (e) {
      clearToken();
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t("signIn.title")} style={{ maxWidth: 560 }}>
      <Alert type="info" title={t("signIn.required")} description={t("signIn.help")} style={{ marginBottom: 16 }} />
      <Form layout="vertical" onFinish={submit}>
        <Form.Item label={t("signIn.token")} name="token" rules={[{ required: true }]}>
          <Input.Password autoComplete="off" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t("signIn.submit")}
        </Button>
      </Form>
      <div style={{ marginTop: 16 }}>
        <ProblemAlert error={error} />
      </div>
    </Card>
  );
}
