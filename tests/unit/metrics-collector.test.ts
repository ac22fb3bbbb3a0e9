import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MetricsCollector } from "@/agent/metrics/collector";
import { chunks } from "@/agent/metrics/service";
import type { TCgroupLayout } from "@/agent/metrics/parse";
import type { TListedContainer } from "@/agent/docker/engine";
import { LABEL } from "@/lib/protocol/agent";

/**
 * The collector against a fake cgroup tree in a temp dir, laid out as Docker's cgroupfs driver
 * does (v1: one tree per controller; v2: one unified tree). The infra container's cgroup.procs
 * holds this test's own pid, so the network read is a real /proc/<pid>/net/dev.
 */

const SET = "set1";
const APP = "a".repeat(64);
const INFRA = "b".repeat(64);
const MIB = 1024 * 1024;
const dirs: string[] = [];

function tree(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "berth-cgroup-"));
  dirs.push(d);
  return d;
}

afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function listed(id: string, role: "infra" | "app", name: string, state: TListedContainer["state"] = "running"): TListedContainer {
  return {
    id,
    name: `berth-${SET}-${name}`,
    labels: { [LABEL.set]: SET, [LABEL.team]: "team1", [LABEL.role]: role, [LABEL.name]: name, [LABEL.index]: role === "infra" ? "-1" : "0" },
    state,
    image: "busybox",
    ips: {},
    pinnedIps: [],
    published: [],
  };
}

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("MetricsCollector on cgroup v1", () => {
  function v1(): { layout: TCgroupLayout; at: (ctl: string, id: string, file: string) => string } {
    const root = tree();
    const layout: TCgroupLayout = {
      version: 1,
      cpuacct: path.join(root, "cpuacct"),
      memory: path.join(root, "memory"),
      blkio: path.join(root, "blkio"),
      pids: path.join(root, "pids"),
    };
    return { layout, at: (ctl, id, file) => path.join(root, ctl, "berth", SET, id, file) };
  }

  it("CPU% from usage deltas, memory and limits, block IO, pids and the set's network", () => {
    const { layout, at } = v1();
    write(at("cpuacct", APP, "cpuacct.usage"), "1000000000\n");
    write(at("memory", APP, "memory.usage_in_bytes"), `${20 * MIB}\n`);
    write(at("memory", APP, "memory.limit_in_bytes"), `${64 * MIB}\n`);
    write(at("memory", APP, "memory.stat"), "cache 100\nrss 200\ntotal_cache 4096\ntotal_rss 8192\n");
    write(at("blkio", APP, "blkio.throttle.io_service_bytes"), "8:0 Read 10\n8:0 Write 20\nTotal 30\n");
    write(at("pids", APP, "pids.current"), "3\n");
    write(at("pids", INFRA, "cgroup.procs"), `${process.pid}\n`);

    const c = clock();
    const collector = new MetricsCollector(layout, 1024 * MIB, c.now);
    collector.sync([listed(INFRA, "infra", "infra"), listed(APP, "app", "app")]);
    expect(collector.setIds()).toEqual([SET]);

    // 0.5 s of CPU time over 1 s of wall time: 50 % of one core.
    c.advance(1000);
    write(at("cpuacct", APP, "cpuacct.usage"), "1500000000\n");
    const [s] = collector.sample([SET], 123, true);
    expect(s.setId).toBe(SET);
    expect(s.at).toBe(123);
    expect(s.containers).toEqual([
      expect.objectContaining({
        name: "app",
        cpuPercent: 50,
        memoryBytes: 20 * MIB,
        memoryLimitBytes: 64 * MIB,
        memoryRssBytes: 8192,
        memoryCacheBytes: 4096,
        blkReadBytes: 10,
        blkWriteBytes: 20,
        pids: 3,
      }),
    ]);
    expect(s.net).toBeDefined();
    expect(s.containers[0].netRxBytes).toBe(s.net!.rxBytes);

    // Two and a half cores busy over 2 s; a container can pass 100 %.
    c.advance(2000);
    write(at("cpuacct", APP, "cpuacct.usage"), "6500000000\n");
    expect(collector.sample([SET], 124, false)[0].containers[0].cpuPercent).toBe(250);

    // A restarted container's counter starts again: no negative CPU, a clean baseline.
    c.advance(1000);
    write(at("cpuacct", APP, "cpuacct.usage"), "1000\n");
    expect(collector.sample([SET], 125, false)[0].containers[0].cpuPercent).toBe(0);

    // 10 ms after the last reading (a subscribe right after a sweep): a burst of the CFS quota
    // there would read as 300 %; the last figure stands and the window keeps its start.
    c.advance(1000);
    write(at("cpuacct", APP, "cpuacct.usage"), "500001000\n");
    expect(collector.sample([SET], 126, false)[0].containers[0].cpuPercent).toBe(50);
    c.advance(10);
    write(at("cpuacct", APP, "cpuacct.usage"), "530001000\n");
    expect(collector.sample([SET], 127, false)[0].containers[0].cpuPercent).toBe(50);
    c.advance(990);
    write(at("cpuacct", APP, "cpuacct.usage"), "1000001000\n");
    expect(collector.sample([SET], 128, false)[0].containers[0].cpuPercent).toBe(50);
    collector.close();
  });

  it("an unlimited container reports the host's memory as its limit", () => {
    const { layout, at } = v1();
    write(at("cpuacct", APP, "cpuacct.usage"), "1\n");
    write(at("memory", APP, "memory.usage_in_bytes"), "1\n");
    write(at("memory", APP, "memory.limit_in_bytes"), "9223372036854771712\n");
    write(at("memory", APP, "memory.stat"), "rss 1\ncache 0\n");
    const collector = new MetricsCollector(layout, 512 * MIB);
    collector.sync([listed(APP, "app", "app")]);
    expect(collector.sample([SET], 1, true)[0].containers[0].memoryLimitBytes).toBe(512 * MIB);
    collector.close();
  });

  it("a container whose cgroup vanished is skipped and marks the inventory stale", () => {
    const { layout, at } = v1();
    write(at("cpuacct", APP, "cpuacct.usage"), "1\n");
    write(at("memory", APP, "memory.usage_in_bytes"), "1\n");
    const collector = new MetricsCollector(layout);
    collector.sync([listed(APP, "app", "app")]);
    fs.rmSync(path.dirname(at("cpuacct", APP, "x")), { recursive: true });
    // The kept descriptor still reads the unlinked file here; a real cgroup read fails. Force a reopen.
    collector.close();
    collector.sync([listed(APP, "app", "app")]);
    expect(collector.sample([SET], 1, false)).toEqual([]);
    expect(collector.stale).toBe(true);
    collector.close();
  });

  it("only running containers are tracked; removed ones are dropped on the next sync", () => {
    const { layout, at } = v1();
    write(at("cpuacct", APP, "cpuacct.usage"), "1\n");
    write(at("memory", APP, "memory.usage_in_bytes"), "1\n");
    const collector = new MetricsCollector(layout);
    collector.sync([listed(APP, "app", "app", "exited")]);
    expect(collector.containerCount()).toBe(0);
    collector.sync([listed(APP, "app", "app")]);
    expect(collector.containerCount()).toBe(1);
    collector.sync([]);
    expect(collector.containerCount()).toBe(0);
    expect(collector.setIds()).toEqual([]);
  });
});

describe("MetricsCollector on cgroup v2", () => {
  it("reads cpu.stat, memory.current/max/stat, io.stat and pids.current from one tree", () => {
    const root = tree();
    const dir = (id: string) => path.join(root, "berth", SET, id);
    write(path.join(dir(APP), "cpu.stat"), "usage_usec 1000000\nuser_usec 900000\nsystem_usec 100000\n");
    write(path.join(dir(APP), "memory.current"), `${30 * MIB}\n`);
    write(path.join(dir(APP), "memory.max"), "max\n");
    write(path.join(dir(APP), "memory.stat"), "anon 111\nfile 222\n");
    write(path.join(dir(APP), "io.stat"), "8:0 rbytes=5 wbytes=7 rios=1 wios=1 dbytes=0 dios=0\n");
    write(path.join(dir(APP), "pids.current"), "9\n");
    write(path.join(dir(INFRA), "cgroup.procs"), `${process.pid}\n`);

    const c = clock();
    const collector = new MetricsCollector({ version: 2, unified: root }, 256 * MIB, c.now);
    collector.sync([listed(INFRA, "infra", "infra"), listed(APP, "app", "app")]);
    c.advance(500);
    write(path.join(dir(APP), "cpu.stat"), "usage_usec 1250000\n");
    const [s] = collector.sample([SET], 1, true);
    expect(s.containers[0]).toMatchObject({
      cpuPercent: 50,
      memoryBytes: 30 * MIB,
      memoryLimitBytes: 256 * MIB,
      memoryRssBytes: 111,
      memoryCacheBytes: 222,
      blkReadBytes: 5,
      blkWriteBytes: 7,
      pids: 9,
    });
    expect(s.net).toBeDefined();
    collector.close();
  });
});

describe("batches past the console's message size", () => {
  it("split by container count, whole sets only, one message when small", () => {
    const set = (id: string, n: number) => ({ setId: id, at: 1, containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: 0, netRxBytes: 0, netTxBytes: 0, blkReadBytes: 0, blkWriteBytes: 0, pids: 0 })) });
    const small = [set("a", 3), set("b", 3)];
    expect(chunks(small, 10)).toEqual([small]);
    const parts = chunks([set("a", 4), set("b", 4), set("c", 4), set("d", 12)], 10);
    expect(parts.map((p) => p.map((s) => s.setId))).toEqual([["a", "b"], ["c"], ["d"]]);
  });
});
