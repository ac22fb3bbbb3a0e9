import { PageSkeleton } from "@/components/ui/page-skeleton";

export default function AppLoading() {
  return <PageSkeleton rows={3} />;
}
