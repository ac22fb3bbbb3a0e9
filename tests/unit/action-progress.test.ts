import { describe, expect, it } from "vitest";
import { actionWord, beginAction, describeAction, finishAction, observe } from "@/lib/ui/action-progress";

const two = [
  { name: "web", state: "Running" },
  { name: "worker", state: "Running" },
];
const report = (web: string, worker: string) => [
  { name: "infra", role: "infra", state: "running" },
  { name: "web", role: "app", state: web },
  { name: "worker", role: "app", state: worker },
];

describe("a set's action progress", () => {
  it("walks a restart container by container: last stops first, first starts first", () => {
    let p = beginAction("restart", two);
    expect(actionWord(p)).toBe("Restarting");
    expect(describeAction(p)).toEqual({ title: "Restarting…", text: "stopping container 1 of 2 (worker)" });
    p = observe(p, report("running", "exited"));
    expect(describeAction(p).text).toBe("stopping container 2 of 2 (web)");
    p = observe(p, report("exited", "exited"));
    expect(describeAction(p).text).toBe("starting container 1 of 2 (web)");
    p = observe(p, report("running", "exited"));
    expect(describeAction(p).text).toBe("starting container 2 of 2 (worker)");
    // A report that says nothing new changes nothing; running before a stop is not a start.
    expect(observe(p, report("running", "exited"))).toEqual(p);
    p = finishAction(p, { ok: true, running: 2 });
    expect(p.phase).toBe("done");
    expect(describeAction(p)).toEqual({ title: "Restarted", text: "2 of 2 containers running" });
  });

  it("a start skips what already runs; a stop ends with every container stopped", () => {
    const start = beginAction("start", [
      { name: "web", state: "Running" },
      { name: "worker", state: "Exited" },
    ]);
    expect(describeAction(start).text).toBe("starting container 2 of 2 (worker)");
    let stop = observe(beginAction("stop", two), report("running", "exited"));
    expect(describeAction(stop)).toEqual({ title: "Stopping…", text: "stopping container 2 of 2 (web)" });
    stop = finishAction(stop, { ok: true, running: 0 });
    expect(describeAction(stop)).toEqual({ title: "Stopped", text: "2 of 2 containers stopped" });
  });

  it("ends in a failure with the reason, or when not every container came back", () => {
    const failed = finishAction(beginAction("restart", two), { ok: false, reason: "The host's agent is not connected" });
    expect(failed.phase).toBe("failed");
    expect(describeAction(failed)).toEqual({ title: "Restart did not finish", text: "The host's agent is not connected" });
    const partial = finishAction(beginAction("start", two), { ok: true, running: 1 });
    expect(partial.phase).toBe("failed");
    expect(describeAction(partial).text).toBe("1 of 2 containers running");
  });
});
