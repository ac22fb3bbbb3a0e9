import type { ReactNode } from "react";

/** The signed-out pages (sign in, invitation): Berth's mark, a heading, one card below. */
export function BrandPage({ title, subtitle, width = "max-w-sm", children }: { title: string; subtitle: ReactNode; width?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className={`w-full ${width}`}>
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="grid size-8 shrink-0 place-items-center rounded-md bg-blue-600 text-sm font-bold text-white">
            B
          </span>
          <div>
            <h1 className="text-lg font-semibold tracking-tight">{title}</h1>
            {subtitle && <p className="text-sm text-zinc-600 dark:text-zinc-400">{subtitle}</p>}
          </div>
        </div>
        {children}
      </div>
    </main>
  );
}
