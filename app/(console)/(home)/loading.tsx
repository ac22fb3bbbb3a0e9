import { PageSkeleton } from "@/components/ui/page-skeleton";

// In its own route group so the boundary covers the dashboard only: one around every console page
// would stream the pages' not-found answers with status 200.
export default function DashboardLoading() {
  return <PageSkeleton shape="cards" />;
}
