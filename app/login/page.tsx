import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/login/login-form";
import { BrandPage } from "@/components/ui/brand-page";
import { optionalPrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await optionalPrincipal()) redirect("/");
  const { error } = await searchParams;
  return (
    <BrandPage title="Sign in to Berth" subtitle="Container sets for business teams">
      <LoginForm initialError={typeof error === "string" ? error : null} />
    </BrandPage>
  );
}
