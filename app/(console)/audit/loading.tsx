import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function AuditLoading() {
  return <PageSkeleton rows={8} />;
}
