import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { ASSET_RECOVERY_SCRIPT } from "./asset-recovery";
import "./globals.css";

export const metadata: Metadata = {
  title: { template: "%s · Berth", default: "Berth" },
  description: "Container sets for business teams",
  // Served from public/ without a session, like the favicon (app/icon.svg, linked by Next itself).
  manifest: "/manifest.webmanifest",
};

// The browser's own chrome takes the colour of the console's top bar in either theme.
export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#18181b" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Set by proxy.ts on every page request; reading it also keeps every page dynamic, as nonces need.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en">
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: ASSET_RECOVERY_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">{children}</body>
    </html>
  );
}
