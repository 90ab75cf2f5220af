import type { ReactNode } from "react";
import { SearchIcon } from "../../components/Icons";
import { EmptyState, ErrorState } from "../../components/States";

/** The words of a results page's states, already translated. */
export interface ResultsTexts {
  failed: string;
  noMatch: string;
  noMatchBody?: string;
  clearFilters: string;
  empty: string;
  emptyBody: string;
  pickApp: string;
}

/**
 * What History and the Gallery show in place of their results: the placeholder while the first
 * page loads, the error, "nothing matches" with a way to clear the filters, or "nothing yet" with
 * a way to the catalog; otherwise the results themselves.
 */
export function ResultsBody({
  testIdPrefix,
  pending,
  placeholder,
  error,
  onRetry,
  total,
  filtered,
  onClearFilters,
  onPickApp,
  emptyIcon,
  texts,
  children,
}: {
  /** "history" or "gallery": the test ids of the buttons start with it. */
  testIdPrefix: string;
  pending: boolean;
  placeholder: ReactNode;
  error: unknown;
  onRetry: () => void;
  total: number | undefined;
  filtered: boolean;
  onClearFilters: () => void;
  onPickApp: () => void;
  emptyIcon: ReactNode;
  texts: ResultsTexts;
  /** The results, given how many there are (at least one). */
  children: (total: number) => ReactNode;
}) {
  if (pending) return placeholder;
  if (error && total === undefined) {
    return <ErrorState error={error} title={texts.failed} onRetry={onRetry} />;
  }
  if (!total) {
    return filtered ? (
      <EmptyState icon={<SearchIcon size={22} />} title={texts.noMatch}>
        {texts.noMatchBody && <p>{texts.noMatchBody}</p>}
        <button
          type="button"
          className="btn"
          data-testid={`${testIdPrefix}-no-matches-clear`}
          onClick={onClearFilters}
        >
          {texts.clearFilters}
        </button>
      </EmptyState>
    ) : (
      <EmptyState icon={emptyIcon} title={texts.empty}>
        <p>{texts.emptyBody}</p>
        <button
          type="button"
          className="btn btn-primary"
          data-testid={`${testIdPrefix}-empty-action`}
          onClick={onPickApp}
        >
          {texts.pickApp}
        </button>
      </EmptyState>
    );
  }
  return children(total);
}
