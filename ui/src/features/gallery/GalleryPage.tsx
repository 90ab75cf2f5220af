import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ImageIcon } from "../../components/Icons";
import { useBackend } from "../../lib/backend/context";
import type { GalleryItem } from "../../lib/backend/types";
import { hasFilters, useGalleryPages, useHistoryApps } from "../../lib/history";
import { useStar } from "../../lib/run-actions";
import { NO_FILTERS, useUi } from "../../lib/store";
import { relativeTime } from "../../lib/time";
import { useDebounced } from "../../lib/useDebounced";
import { FilterBar } from "../history/FilterBar";
import { ResultCount } from "../history/ResultCount";
import { ResultsBody } from "../history/ResultsBody";
import { PublishButton } from "../publishing/PublishButton";
import { Lightbox } from "../runs/Lightbox";
import { GalleryGrid, type Range } from "./GalleryGrid";

const FIRST_RANGE: Range = [0, 40];

/** Every kept image, newest first, as a grid of thumbnails with a lightbox. Works offline. */
export function GalleryPage() {
  const { t } = useTranslation(["gallery", "history"]);
  const backend = useBackend();
  const filters = useUi((s) => s.galleryFilters);
  const setFilters = useUi((s) => s.setGalleryFilters);
  const navigate = useUi((s) => s.navigate);
  const openRun = useUi((s) => s.openRun);
  const star = useStar();
  const searchRef = useRef<HTMLInputElement>(null);

  const text = useDebounced(filters.text, 200);
  const query = { ...filters, text };
  const queryKey = JSON.stringify(query);
  const [view, setView] = useState({ key: queryKey, range: FIRST_RANGE, active: 0 });
  const current = view.key === queryKey ? view : { key: queryKey, range: FIRST_RANGE, active: 0 };
  const [opened, setLightbox] = useState<number | null>(null);
  const [focusRequest, setFocusRequest] = useState<{ index: number } | null>(null);

  const ranges: Range[] = [current.range];
  const lightbox = opened;
  if (lightbox !== null) ranges.push([Math.max(0, lightbox - 1), lightbox + 1]);
  const gallery = useGalleryPages(query, ranges);
  const apps = useHistoryApps();
  const total = gallery.total;
  const filtered = hasFilters(query);
  // Unstarring in the Starred view removes the image: the lightbox moves on to the next one.
  const shownIndex =
    lightbox === null || total === undefined
      ? lightbox
      : total === 0
        ? null
        : Math.min(lightbox, total - 1);

  const setRange = (range: Range) =>
    setView((v) =>
      v.key === queryKey && v.range[0] === range[0] && v.range[1] === range[1]
        ? v
        : { ...current, range },
    );
  const setActive = (active: number) => setView((v) => ({ ...current, range: v.range, active }));
  const toggleStar = (g: GalleryItem) =>
    star.mutate({ localId: g.localId, index: g.index, starred: !g.starred });
  const shown = shownIndex !== null ? gallery.item(shownIndex) : undefined;

  const body = (
    <ResultsBody
      testIdPrefix="gallery"
      pending={gallery.isPending}
      placeholder={
        <div className="gallery-grid gallery-loading" aria-busy="true" aria-label={t("loading")}>
          {Array.from({ length: 10 }, (_, i) => (
            <div key={i} className="gallery-tile skeleton" />
          ))}
        </div>
      }
      error={gallery.error}
      onRetry={gallery.refetch}
      total={total}
      filtered={filtered}
      onClearFilters={() => setFilters(NO_FILTERS)}
      onPickApp={() => navigate({ page: "apps" })}
      emptyIcon={<ImageIcon size={22} />}
      texts={{
        failed: t("failed"),
        noMatch: t("noMatch"),
        clearFilters: t("history:filters.clear"),
        empty: t("empty"),
        emptyBody: t("emptyBody"),
        pickApp: t("pickApp"),
      }}
    >
      {(count) => (
        <GalleryGrid
          total={count}
          item={gallery.item}
          active={Math.min(current.active, count - 1)}
          focusRequest={focusRequest}
          onActive={setActive}
          onOpen={setLightbox}
          onToggleStar={toggleStar}
          onRange={setRange}
          resetKey={queryKey}
          dimmed={gallery.isPlaceholder}
        />
      )}
    </ResultsBody>
  );

  return (
    <div className="page gallery-page" data-testid="gallery-screen">
      <header className="page-header history-header">
        <h1>{t("title")}</h1>
        <ResultCount total={total} filtered={filtered} noun="image" testId="gallery-count" />
      </header>
      <FilterBar
        prefix="gallery"
        filters={filters}
        onChange={setFilters}
        apps={apps.data ?? []}
        searchRef={searchRef}
        placeholder={t("searchPlaceholder")}
      />
      <section className="gallery-results" aria-label={t("images")}>
        {body}
      </section>
      <Lightbox
        count={total ?? 0}
        index={shownIndex}
        wrap={false}
        item={
          shown && {
            src: backend.mediaUrl(shown.localId, shown.index),
            label: shown.label ?? t("imageLabel", { number: shown.index + 1 }),
            caption: t("caption", { app: shown.appName, when: relativeTime(shown.createdAt) }),
            starred: shown.starred,
          }
        }
        onIndexChange={(i) => {
          setLightbox(i);
          setActive(i);
        }}
        onClose={() => setLightbox(null)}
        onCloseFocus={() => setFocusRequest({ index: Math.min(current.active, (total ?? 1) - 1) })}
        onToggleStar={() => shown && toggleStar(shown)}
        extraActions={
          shown && (
            <PublishButton
              items={[{ localId: shown.localId, index: shown.index }]}
              className="btn btn-small"
            />
          )
        }
        onOpenRun={() => {
          if (!shown) return;
          setLightbox(null);
          openRun(shown.localId);
        }}
      />
    </div>
  );
}
