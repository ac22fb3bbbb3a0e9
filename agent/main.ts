import { Agent } from "./agent";
import { AGENT_VERSION, agentSettings } from "./config";
import { EnrollmentRefused, enroll, loadIdentity, type TIdentity } from "./transport/identity";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function obtainIdentity(): Promise<TIdentity> {
  const s = agentSettings();
  const existing = loadIdentity(s);
  if (existing) return existing;
  // The console may still be starting (single-machine mode starts both at once): retry.
  for (let attempt = 0; ; attempt++) {
    try {
      const identity = await enroll(s, { zone: s.BERTH_ZONE });
      console.log(`[agent] enrolled as host ${identity.hostId}`);
      return identity;
    } catch (err) {
      if (err instanceof EnrollmentRefused && attempt > 30) throw err;
      const delay = Math.min(10_000, 300 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
      console.log(`[agent] not enrolled yet (${(err as Error).message}); retrying in ${Math.round(delay)} ms`);
      await sleep(delay);
    }
  }
}

async function main(): Promise<void> {
  const identity = await obtainIdentity();
  const agent = new Agent(agentSettings(), identity);
  await agent.start();
  const stop = () => {
    agent.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

// An upgrade runs the new file with --version before it replaces the old one.
if (process.argv.includes("--version")) {
  console.log(AGENT_VERSION);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error("[agent] fatal:", err);
  process.exit(1);
});
