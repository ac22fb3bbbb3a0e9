/**
 * bench/autoscale: a 1-replica app (sets of 0.1 core) with an autoscale policy at 50 % CPU gets a
 * load step of 160 % of one set's CPU (tests/helpers/load.ts: the load is shared by the app's
 * Running sets, so it needs 4 sets to sit at the target). Measured on a production console with
 * one real agent on this machine's Docker:
 * - `scale_out_s`: load step → 4 sets Running;
 * - `steps`: the autoscaler's scale decisions on the way out (`max_replicas_seen` ≤ 5 = no
 *   overshoot past what the load needs plus one);
 * - `scale_in_s`: load stops → the app back at 1 set, with the scale-in stabilisation set to
 *   BENCH_SCALE_IN_S (default 15 s, far shorter than HPA's 300 s default: said in the JSON);
 * - `flaps`: direction reversals beyond the one out → in turn (must be 0).
 * The console evaluates every BERTH_AUTOSCALE_SECONDS (1) on a BERTH_AUTOSCALE_WINDOW_SECONDS (5) window.
 *
 * Peer: the same step under Kubernetes HPA's documented defaults (15 s sync period, 0 s scale-up
 * stabilisation, 300 s scale-down stabilisation, 10 % tolerance), with the same decisions and the
 * same set start times measured here: `peer_scale_out_s` = steps × 15 s (each decision waits for a
 * sync, worst case) + the measured start time of each step's sets; `peer_scale_in_s` = 300 s + 15 s
 * + the measured removal time. Ratios are ours / peer's. Progress on stderr, last line one JSON object.
 */
import type { TAuditEvent } from "../lib/protocol/api";
import type { TAppView } from "../lib/protocol/apps";
import { ensureTestImage, startReadyAgent, waitFor } from "../tests/helpers/agent";
import { adminApi } from "../tests/helpers/api";
import { startConsole } from "../tests/helpers/console";
import { makeMember, makeTeam } from "../tests/helpers/fixtures";
import { loadContainer } from "../tests/helpers/load";
import { publishTestImages } from "../tests/helpers/registry";

const APP = "step";
/**
 * 160 % of one set: 3.2 sets at the 50 % target, so 4. Not 200: the console measures the
 * generator's own lookups and forks on top of its share (4–12 % of a set's limit per set on this
 * machine), which put 4 sets of a 180 % or 200 % step at 57–58 %, past the tolerance (55 %), and
 * the autoscaler rightly added a fifth (BENCH_LOAD_PERCENT=180 shows it).
 */
const LOAD_PERCENT = Number(process.env.BENCH_LOAD_PERCENT ?? 160);
const TARGET = 50;
const NEEDED = 4;
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 40);
const SCALE_IN_S = Number(process.env.BENCH_SCALE_IN_S ?? 15);
const HPA = { syncS: 15, scaleUpStabilizationS: 0, scaleDownStabilizationS: 300 };
const POLL_MS = 250;
/** Lead time from creating the app to the load step: the first set's image pull and start fit in it. */
const LEAD_S = Number(process.env.BENCH_LEAD_S ?? 90);

const log = (m: string) => process.stderr.write(`[bench:autoscale] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const cleanup: Array<() => Promise<unknown>> = [];
  const t0 = Date.now();
  const c = await startConsole({ mode: "prod", env: { BERTH_AUTOSCALE_SECONDS: "1", BERTH_AUTOSCALE_WINDOW_SECONDS: "5" } });
  cleanup.push(() => c.stop());
  try {
    log(`console ${c.url} up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await publishTestImages(c);
    const admin = await adminApi(c);
    const engine = await ensureTestImage();
    const agent = await startReadyAgent(admin, c.url, "bench-autoscale");
    cleanup.push(() => agent.destroy(engine, admin));
    const team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 2048, diskGiB: 10, sets: 20 } });
    const member = await makeMember(admin, team, "MEMBER");
    const api = member.api;
    const appUrl = `/api/v1/teams/${team}/apps/${APP}`;
    const getApp = async () => (await api.get(appUrl)).body as TAppView;

    // The load starts at a known second, once the set runs and the autoscaler has seen it idle.
    const loadFrom = Math.ceil((Date.now() + LEAD_S * 1000) / 1000) * 1000;
    const loadUntil = loadFrom + HOLD_S * 1000;
    const created = await api.post(`/api/v1/teams/${team}/apps`, {
      name: APP,
      replicas: 1,
      size: { cpu: 0.1, memoryMiB: 32, diskGiB: 0 },
      containers: [loadContainer(APP, LOAD_PERCENT, loadUntil, { from: loadFrom })],
    });
    if (created.status !== 201) throw new Error(`create app: HTTP ${created.status} ${created.text}`);
    cleanup.push(() => api.delete(appUrl));
    await waitFor("first set Running", async () => (await getApp()).sets.some((s) => s.state === "Running"), 90_000);
    const put = await api.put(`${appUrl}/autoscale`, {
      minReplicas: 1, maxReplicas: 8, cpuTargetPercent: TARGET, scaleOutStabilizationSeconds: 0, scaleInStabilizationSeconds: SCALE_IN_S,
    });
    if (put.status !== 200) throw new Error(`put policy: HTTP ${put.status} ${put.text}`);
    if (Date.now() > loadFrom - 5000) throw new Error(`setup took longer than the lead time before the load step (BENCH_LEAD_S=${LEAD_S})`);
    log(`load step of ${LOAD_PERCENT} % of one set in ${Math.round((loadFrom - Date.now()) / 1000)} s, for ${HOLD_S} s`);
    await sleep(loadFrom - Date.now());

    // Poll the app: when the Running count first reaches each value, and the most replicas asked for.
    const reached = new Map<number, number>();
    let most = 1;
    let outAt: number | null = null;
    let inAt: number | null = null;
    while (Date.now() < loadUntil + 180_000) {
      const a = await getApp();
      const running = a.sets.filter((s) => s.state === "Running").length;
      const now = Date.now();
      if (!reached.has(running)) reached.set(running, now);
      most = Math.max(most, a.replicas);
      if (outAt === null && running >= NEEDED) {
        outAt = now;
        log(`${NEEDED} sets Running after ${((now - loadFrom) / 1000).toFixed(1)} s`);
      }
      if (now > loadUntil && a.replicas === 1 && a.sets.length === 1) {
        inAt = now;
        log(`back at 1 set ${((now - loadUntil) / 1000).toFixed(1)} s after the load stopped`);
        break;
      }
      await sleep(POLL_MS);
    }
    if (outAt === null) throw new Error(`never reached ${NEEDED} Running sets (most replicas ${most})`);
    if (inAt === null) throw new Error("never scaled back to 1");

    const audit = (await api.get(`/api/v1/audit?team=${team}&limit=200`)).body as TAuditEvent[];
    const decisions = audit.filter((e) => e.action === "app.scale" && e.actor === "autoscaler").reverse();
    for (const d of decisions) log(`${d.at}: ${String(d.details.reason)}`);
    const outs = decisions.filter((d) => Number(d.details.to) > Number(d.details.from));
    const ins = decisions.filter((d) => Number(d.details.to) < Number(d.details.from));
    const dirs = decisions.map((d) => Math.sign(Number(d.details.to) - Number(d.details.from)));
    const turns = dirs.filter((d, i) => i > 0 && d !== dirs[i - 1]).length;
    // Each step's start time: its decision → its sets Running (as the poll saw it).
    const startS = outs.map((d) => Math.max(0, ((reached.get(Number(d.details.to)) ?? outAt!) - Date.parse(d.at)) / 1000));
    const lastIn = ins[ins.length - 1];
    const removalS = lastIn ? Math.max(0, (inAt - Date.parse(lastIn.at)) / 1000) : 0;

    const scaleOutS = (outAt - loadFrom) / 1000;
    const scaleInS = (inAt - loadUntil) / 1000;
    const peerOut = outs.length * HPA.syncS + HPA.scaleUpStabilizationS + startS.reduce((a, b) => a + b, 0);
    const peerIn = HPA.scaleDownStabilizationS + HPA.syncS + removalS;
    const result = {
      bench: "autoscale",
      load_percent_of_one_set: LOAD_PERCENT,
      target_cpu_percent: TARGET,
      sets_needed: NEEDED,
      scale_out_s: round1(scaleOutS),
      steps: outs.length,
      scale_in_steps: ins.length,
      max_replicas_seen: most,
      scale_in_s: round1(scaleInS),
      scale_in_stabilization_s: SCALE_IN_S,
      flaps: Math.max(0, turns - 1),
      evaluate_every_s: 1,
      window_s: 5,
      set_start_s: startS.map(round1),
      peer: "Kubernetes HPA documented defaults: 15 s sync, 0 s scale-up and 300 s scale-down stabilisation; same steps and measured set start times",
      peer_scale_out_s: round1(peerOut),
      peer_scale_in_s: round1(peerIn),
      scale_out_ratio: Math.round((scaleOutS / peerOut) * 100) / 100,
      scale_in_ratio: Math.round((scaleInS / peerIn) * 100) / 100,
      goal_scale_out_s: 30,
      decisions: decisions.map((d) => String(d.details.reason)),
    };
    await runAll(cleanup);
    console.log(JSON.stringify(result));
    process.exit(0);
  } catch (err) {
    log(`console log tail:\n${c.logs().split("\n").slice(-30).join("\n")}`);
    await runAll(cleanup);
    throw err;
  }
}

async function runAll(steps: Array<() => Promise<unknown>>): Promise<void> {
  while (steps.length) {
    const step = steps.pop()!;
    await step().catch((err: unknown) => log(`cleanup step failed: ${(err as Error).message}`));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
