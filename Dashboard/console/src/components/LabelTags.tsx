import { Tag } from "antd";
import type { Labels } from "../api/types";

export function LabelTags({ labels }: { labels: Labels | null | undefined }) {
  return (
    <>
      {Object.entries(labels ?? {}).map(([k, v]) => (
        <Tag key={k}>{`${k}=${v}`}</Tag>
      ))}
    </>
  );
}
