import { NextResponse } from "next/server";
import { sameSecret } from "@/lib/auth/secrets";
import { AppError } from "@/lib/errors";
import { settings } from "@/lib/env";
import { readLimitedText } from "@/lib/http/body-limit";
import { errorResponse, json } from "@/lib/http/route";
import { applyRegistryEvents, ZRegistryEnvelope } from "@/lib/registry/catalog";
import { notifySecret } from "@/lib/registry/runtime";

/** Distribution's notifications (push, delete) with the shared secret it was configured with. */
export async function POST(req: Request): Promise<NextResponse> {
  try {
    const bearer = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!bearer || !sameSecret(bearer, notifySecret())) throw new AppError("UNAUTHENTICATED", "Registry notifications need the registry's secret");
    let body: unknown;
    try {
      body = JSON.parse(await readLimitedText(req.body, settings().BERTH_MAX_BODY_BYTES));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError("VALIDATION", "Body is not valid JSON");
    }
    const envelope = ZRegistryEnvelope.parse(body);
    return json({ changed: await applyRegistryEvents(envelope.events) });
  } catch (err) {
    return errorResponse(err);
  }
}
