import type { Metadata } from "next";
import Link from "next/link";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { me } from "@/lib/users/users";
import { requirePrincipal } from "@/lib/ui/session";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const principal = await requirePrincipal();
  const user = await me(principal);
  return (
    <>
      <PageHeader title="Account" description={`${user.email}${user.isAdmin ? " · platform admin" : ""}`} />
      <Card labelledBy="account-password">
        <CardHeader id="account-password" title="Password" description="Only you choose it; an admin can force a reset but never sees or sets it" />
        <CardBody>
          <ChangePasswordForm />
        </CardBody>
      </Card>
      <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">
        API tokens are on the{" "}
        <Link href="/tokens" className="text-blue-700 underline underline-offset-2 dark:text-blue-400">
          Tokens
        </Link>{" "}
        page.
      </p>
    </>
  );
}
