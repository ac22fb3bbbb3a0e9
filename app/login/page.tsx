import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login/login-form";
import { optionalPrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await optionalPrincipal()) redirect("/");
  const { error } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-2">
          <span aria-hidden className="grid size-8 place-items-center rounded-md bg-blue-600 text-sm font-bold text-white">
            B
          </span>
          <div>
            <h1 className="text-lg font-semibold tracking-tight">Sign in to Berth</h1>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Container sets for business teams</p>
          </div>
        </div>
        <LoginForm initialError={typeof error === "string" ? error : null} />
      </div>
    </main>
  );
}
