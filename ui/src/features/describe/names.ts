import type { useTranslation } from "react-i18next";

type T = ReturnType<typeof useTranslation<"describe">>["t"];

export const PLATFORMS = ["instagram", "tiktok", "facebook", "shopify"] as const;
export const MODALITIES = ["image", "video", "text"] as const;

/** "Instagram" for "instagram"; a platform we have no words for is shown as the service names it. */
export function platformName(t: T, platform: string): string {
  return (PLATFORMS as readonly string[]).includes(platform)
    ? t(`platform.${platform as (typeof PLATFORMS)[number]}`)
    : platform;
}

export function modalityName(t: T, modality: string): string {
  return (MODALITIES as readonly string[]).includes(modality)
    ? t(`modality.${modality as (typeof MODALITIES)[number]}`)
    : modality;
}
