import { useMemo } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "./client";

/** A page of an id-ordered list (GET /api/v1/workloads or /policies with ?limit=). */
export interface ListPage<T> {
  items: T[];
  next?: string | null;
}

/** The console's page size for server-paged lists. */
export const pageSize = 100;

/** The URL of one page: the list's path with limit and, after the first page, the cursor the server gave. */
export function pageUrl(path: string, cursor: string | null): string {
  const q = new URLSearchParams({ limit: String(pageSize) });
  if (cursor) q.set("cursor", cursor);
  return `${path}?${q}`;
}

/**
 * Reads a list page by page from the server: the first page at once, each further one when asked (a "more" button).
 * The query key starts with <paramref name="key"/> so invalidating that key reloads the pages shown.
 */
export function usePagedList<T>(key: string, path: string, refetchInterval?: number) {
  const query = useInfiniteQuery({
    queryKey: [key, "pages"],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => api<ListPage<T>>(pageUrl(path, pageParam), { signal }),
    getNextPageParam: (last) => last.next ?? undefined,
    refetchInterval,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { ...query, items };
}
