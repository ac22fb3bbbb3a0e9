import type { ReactNode } from "react";
import { selectedTeamApp } from "@/lib/ui/app-page";

export default async function AppLayout({ children, params }: { children: ReactNode; params: Promise<{ name: string }> }) {
  // Before loading.tsx's boundary: once the skeleton has streamed, a not-found could no longer be a 404.
  await selectedTeamApp(decodeURIComponent((await params).name));
  return children;
}
