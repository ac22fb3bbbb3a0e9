import type { TQuota } from "@/lib/protocol/api";
import { formatMiB, formatNumber } from "@/lib/ui/format";
import { UsageBar } from "../ui/usage-bar";

export function QuotaBars({ quota }: { quota: TQuota }) {
  const { used, limits } = quota;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <UsageBar label="CPU" used={used.cpu} limit={limits.cpu} format={(n) => formatNumber(n, 3)} unit="cores" />
      <UsageBar label="Memory" used={used.memoryMiB} limit={limits.memoryMiB} format={formatMiB} />
      <UsageBar label="Disk" used={used.diskGiB} limit={limits.diskGiB} format={formatNumber} unit="GiB" />
      <UsageBar label="Sets" used={used.sets} limit={limits.sets} format={formatNumber} unit="sets" />
    </div>
  );
}
