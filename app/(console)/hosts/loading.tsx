import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function HostsLoading() {
  return <PageSkeleton />;
}
