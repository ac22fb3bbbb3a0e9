import { listAudit } from "@/lib/audit";
import { route } from "@/lib/http/route";
import { ZAuditQuery } from "@/lib/protocol/api";

export const GET = route({ query: ZAuditQuery }, ({ principal, query }) => listAudit(principal, query));
