import type { TPrincipal } from "../auth/principal";
import { actorOf, recordAudit } from "../audit";
import { loadSetFor, getSet } from "../apps/view";
import { db } from "../db";
import { AppError } from "../errors";
import type { TSetView } from "../protocol/apps";
import { dispatchAction } from "./dispatch";
import { setName } from "./spec";

export async function setAction(p: TPrincipal, setId: string, action: "start" | "stop" | "restart"): Promise<TSetView> {
  const set = await loadSetFor(p, setId, "MEMBER");
  if (!set.host) throw new AppError("CONFLICT", "The set has no host yet; it starts when it is placed");
  if (set.state === "Deleting") throw new AppError("CONFLICT", "The set is being deleted");
  await db().$transaction(async (tx) => {
    await tx.set.update({ where: { id: setId }, data: { desiredRunning: action !== "stop" } });
    await recordAudit(tx, actorOf(p), { teamId: set.teamId, action: `set.${action}`, targetType: "set", targetId: setId, details: { app: set.app.name, set: setName(set.app.name, set.ordinal) } });
  });
  await dispatchAction(setId, action);
  return getSet(p, setId);
}
