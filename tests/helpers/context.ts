import { inject } from "vitest";
import type { TConsoleInfo } from "./console";

declare module "vitest" {
  export interface ProvidedContext {
    console: TConsoleInfo;
  }
}

/** The console the project's globalSetup started (tests/setup/console.global.ts). */
export function consoleInfo(): TConsoleInfo {
  const c = inject("console");
  if (!c) throw new Error("no console was provided: run this file through the integration or e2e project");
  return c;
}
