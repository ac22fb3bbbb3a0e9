import { health } from "@/lib/health";
import { json } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export async function GET() {
  const h = await health();
  return json(h, h.database === "ok" ? 200 : 503);
}
