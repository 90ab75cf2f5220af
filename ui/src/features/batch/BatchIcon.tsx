/** Stacked sheets: many images from one table. */
export function BatchIcon({ size = 16 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <rect x="7.5" y="7.5" width="13" height="13" rx="2" />
      <path d="M16.5 4.5v-1h-12a1 1 0 0 0-1 1v12h1" />
      <path d="M10.5 16.5l2.5-3 2 2 1.5-2 2 3" />
    </svg>
  );
}
