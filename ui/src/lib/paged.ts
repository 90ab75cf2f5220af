// Random-access paging for virtualized lists: only the pages under the visible rows are fetched
// (and page 0, for the total), so jumping to row 9,000 of 10,000 loads one page, not ninety.
import { keepPreviousData, useQueries } from "@tanstack/react-query";

export const PAGE_SIZE = 100;

export interface PageData<T> {
  items: T[];
  total: number;
}

export interface Paged<T> {
  /** Unknown until the first page arrived. */
  total: number | undefined;
  /** The item at a position, or undefined while its page is loading. */
  item: (index: number) => T | undefined;
  /** The first page of these filters is still on its way (nothing to show yet). */
  isPending: boolean;
  /** Showing the previous filters' results while the new ones load. */
  isPlaceholder: boolean;
  error: unknown;
  refetch: () => void;
}

/** Pages covering the given [first, last] index ranges, always including page 0. */
export function pagesFor(ranges: readonly (readonly [number, number])[]): number[] {
  const pages = new Set<number>([0]);
  for (const [first, last] of ranges) {
    if (first < 0 || last < first) continue;
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) {
      pages.add(p);
    }
  }
  return [...pages].sort((a, b) => a - b);
}

export function usePaged<T>({
  baseKey,
  fetchPage,
  ranges,
}: {
  /** Identifies the filters; the page number is appended. */
  baseKey: readonly unknown[];
  fetchPage: (offset: number, limit: number) => Promise<PageData<T>>;
  ranges: readonly (readonly [number, number])[];
}): Paged<T> {
  const pages = pagesFor(ranges);
  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: [...baseKey, page],
      queryFn: () => fetchPage(page * PAGE_SIZE, PAGE_SIZE),
      placeholderData: page === 0 ? keepPreviousData : undefined,
    })),
  });

  const first = results[0];
  const byPage = new Map<number, T[]>();
  results.forEach((r, i) => {
    const page = pages[i];
    if (page !== undefined && r.data && !r.isPlaceholderData) byPage.set(page, r.data.items);
  });
  // While new filters load, the previous first page stands in (dimmed by the caller).
  if (first?.isPlaceholderData && first.data) byPage.set(0, first.data.items);

  return {
    total: first?.data?.total,
    item: (index) => byPage.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    isPending: first?.isPending ?? true,
    isPlaceholder: first?.isPlaceholderData ?? false,
    error: results.find((r) => r.isError)?.error ?? null,
    refetch: () => {
      for (const r of results) if (r.isError || r === first) void r.refetch();
    },
  };
}
