// The credits left, in the sidebar header; hidden when the service doesn't report them.
import { useTranslation } from "react-i18next";
import { formatNumber } from "../../i18n/format";
import { useUsage } from "./useUsage";
import "./usage.css";

export function UsageBadge() {
  const { t } = useTranslation("usage");
  const usage = useUsage();
  const credits = usage.data?.credits;
  // Its line is kept while the credits are being asked for, so the menu below does not move
  // down when they arrive (the window's first frame has the line already).
  if (usage.isPending) return <div className="usage-badge" aria-hidden="true" />;
  if (credits?.balance == null) return null;
  const number = (n: number) => formatNumber(n, { maximumFractionDigits: 1 });
  const title =
    credits.totalEarned != null && credits.totalSpent != null
      ? t("title", { spent: number(credits.totalSpent), earned: number(credits.totalEarned) })
      : undefined;
  return (
    <div className="usage-badge" data-testid="usage-badge" aria-label={t("label")} title={title}>
      {t("credits", { balance: number(credits.balance) })}
    </div>
  );
}
