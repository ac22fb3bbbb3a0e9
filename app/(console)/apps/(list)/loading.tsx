import { PageSkeleton } from "@/components/ui/page-skeleton";

// In its own route group so the boundary leaves out apps/[name], whose not-found must keep its 404.
export default function AppsLoading() {
  return <PageSkeleton />;
}
