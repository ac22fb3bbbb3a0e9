import { json } from "@/lib/http/route";
import { openApiDocument } from "@/lib/protocol/openapi";

export function GET() {
  return json(openApiDocument());
}
