import type { Metadata } from "next";
import Link from "next/link";
import { AcceptLinkForm } from "@/components/account/accept-link-form";
import { BrandPage } from "@/components/ui/brand-page";
import { AppError } from "@/lib/errors";
import type { TAccountLinkInfo } from "@/lib/protocol/api";
import { readAccountLink } from "@/lib/users/account-links";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

type TProps = { params: Promise<{ token: string }> };

async function linkOrError(token: string): Promise<TAccountLinkInfo | string> {
  try {
    return await readAccountLink(token);
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return err.message;
    throw err;
  }
}

export default async function InvitePage({ params }: TProps) {
  const { token } = await params;
  const link = await linkOrError(token);
  const title = typeof link === "string" ? "This link cannot be used" : link.kind === "INVITE" ? `Join ${link.team?.name ?? "a team"} on Berth` : "Set your Berth password";
  return (
    <BrandPage
      title={title}
      width="max-w-md"
      subtitle={
        typeof link === "string" ? null : (
          <>
            {link.kind === "INVITE" ? (
              <>
                As <span className="font-medium">{link.role}</span> in <span className="font-mono">{link.team?.slug}</span>, for {link.email}.
              </>
            ) : (
              <>For {link.email}.</>
            )}{" "}
            The link works once, until {new Date(link.expiresAt).toUTCString()}.
          </>
        )
      }
    >
      {typeof link === "string" ? (
        <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          {link}{" "}
          <Link href="/login" className="font-medium underline">
            Sign in
          </Link>
        </p>
      ) : (
        <AcceptLinkForm token={token} link={link} />
      )}
    </BrandPage>
  );
}
