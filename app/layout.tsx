import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ASSET_RECOVERY_SCRIPT } from "./asset-recovery";
import "./globals.css";

export const metadata: Metadata = {
  title: { template: "%s · Berth", default: "Berth" },
  description: "Container sets for business teams",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <script dangerouslySetInnerHTML={{ __html: ASSET_RECOVERY_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">{children}</body>
    </html>
  );
}
