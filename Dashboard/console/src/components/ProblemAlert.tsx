import { Alert } from "antd";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/problem";

/** An API error as the API said it: its title, its detail and every field it names. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return <Alert type="error" showIcon title={t("common.error")} description={String((error as Error)?.message ?? error)} />;
  }
  const description = error.errors.length > 0 ? (
    <ul className="problem-fields">
      {error.errors.map((e) => (
        <li key={`${e.field}:${e.message}`} data-field={e.field}>
          <code>{e.field}</code>: {e.message}
        </li>
      ))}
    </ul>
  ) : (
    error.detail
  );
  return <Alert type="error" showIcon role="alert" title={`${error.status} ${error.title}`} description={description} />;
}
