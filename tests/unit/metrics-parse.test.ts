import { describe, expect, it } from "vitest";
import {
  firstPid,
  parseBlkioV1,
  parseCpuStatV2,
  parseIoStatV2,
  parseLimit,
  parseMemoryStatV1,
  parseMemoryStatV2,
  parseMountinfo,
  parseNetDev,
  parseNumber,
  statValue,
} from "@/agent/metrics/parse";

// Fixtures copied from real kernels (v1: Docker cgroupfs on 5.x; v2: unified hierarchy on 6.x).

const MEMORY_STAT_V1 = `cache 1081344
rss 57344
rss_huge 0
shmem 0
mapped_file 0
pgpgin 850
hierarchical_memory_limit 67108864
total_cache 2162688
total_rss 114688
total_rss_huge 0
total_shmem 0
`;

const MEMORY_STAT_V2 = `anon 4476928
file 12288000
kernel 630784
kernel_stack 16384
pagetables 49152
sock 0
shmem 0
file_mapped 0
anon_thp 0
`;

const CPU_STAT_V2 = `usage_usec 2534417
user_usec 1870161
system_usec 664256
nr_periods 120
nr_throttled 3
throttled_usec 80210
`;

const BLKIO_V1 = `8:0 Read 4096
8:0 Write 1048576
8:0 Sync 1052672
8:0 Async 0
8:0 Discard 0
8:0 Total 1052672
8:16 Read 8192
8:16 Write 0
8:16 Sync 8192
8:16 Async 0
8:16 Discard 0
8:16 Total 8192
Total 1060864
`;

const IO_STAT_V2 = `8:0 rbytes=4096 wbytes=1048576 rios=1 wios=256 dbytes=0 dios=0
259:0 rbytes=8192 wbytes=512 rios=2 wios=1 dbytes=0 dios=0
`;

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:   12345      10    0    0    0     0          0         0    12345      10    0    0    0     0       0          0
  eth0:     646       7    0    0    0     0          0         0      999       5    0    0    0     0       0          0
  eth1:1000000000   7    0    0    0     0          0         0        1       5    0    0    0     0       0          0
`;

const MOUNTINFO_V1 = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

const MOUNTINFO_V2 = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

describe("cgroup v1 files", () => {
  it("cpuacct.usage and memory.usage_in_bytes are one integer", () => {
    expect(parseNumber("1251984349\n")).toBe(1251984349);
    expect(parseNumber("495616\n")).toBe(495616);
  });

  it("memory.limit_in_bytes: a number, and the page-counter maximum means unlimited", () => {
    expect(parseLimit("67108864\n")).toBe(67108864);
    expect(parseLimit("9223372036854771712\n")).toBe(Infinity);
  });

  it("memory.stat: the hierarchical totals win over the local values", () => {
    expect(parseMemoryStatV1(MEMORY_STAT_V1)).toEqual({ rss: 114688, cache: 2162688 });
    expect(parseMemoryStatV1("cache 10\nrss 20\nrss_huge 30\n")).toEqual({ rss: 20, cache: 10 });
  });

  it("blkio.throttle.io_service_bytes: Read and Write summed over devices, Total lines ignored", () => {
    expect(parseBlkioV1(BLKIO_V1)).toEqual({ read: 12288, write: 1048576 });
    expect(parseBlkioV1("Total 0\n")).toEqual({ read: 0, write: 0 });
    expect(parseBlkioV1("")).toEqual({ read: 0, write: 0 });
  });
});

describe("cgroup v2 files", () => {
  it("cpu.stat usage_usec → nanoseconds", () => {
    expect(parseCpuStatV2(CPU_STAT_V2)).toBe(2534417000);
    expect(parseCpuStatV2("user_usec 1\n")).toBeNaN();
  });

  it("memory.max: `max` is unlimited", () => {
    expect(parseLimit("max\n")).toBe(Infinity);
    expect(parseLimit("268435456\n")).toBe(268435456);
  });

  it("memory.stat: anon is rss, file is cache", () => {
    expect(parseMemoryStatV2(MEMORY_STAT_V2)).toEqual({ rss: 4476928, cache: 12288000 });
  });

  it("io.stat: rbytes and wbytes summed over devices", () => {
    expect(parseIoStatV2(IO_STAT_V2)).toEqual({ read: 12288, write: 1049088 });
    expect(parseIoStatV2("")).toEqual({ read: 0, write: 0 });
  });
});

describe("shared formats", () => {
  it("statValue matches whole keys at line starts only", () => {
    expect(statValue(MEMORY_STAT_V1, "rss")).toBe(57344);
    expect(statValue(MEMORY_STAT_V1, "rss_huge")).toBe(0);
    expect(statValue(MEMORY_STAT_V2, "file")).toBe(12288000);
    expect(statValue(MEMORY_STAT_V2, "file_mapped")).toBe(0);
    expect(statValue(MEMORY_STAT_V2, "missing")).toBeUndefined();
  });

  it("/proc/<pid>/net/dev: bytes of every interface but loopback", () => {
    expect(parseNetDev(NET_DEV)).toEqual({ rx: 1000000646, tx: 1000 });
    expect(parseNetDev("")).toEqual({ rx: 0, tx: 0 });
  });

  it("cgroup.procs: the first pid, or null for an empty cgroup", () => {
    expect(firstPid("28367\n28400\n")).toBe(28367);
    expect(firstPid("")).toBeNull();
  });

  it("mountinfo: v1 controllers (co-mounted too) win over a hybrid cgroup2 mount", () => {
    expect(parseMountinfo(MOUNTINFO_V1)).toEqual({
      version: 1,
      cpuacct: "/sys/fs/cgroup/cpu,cpuacct",
      memory: "/sys/fs/cgroup/memory",
      blkio: "/sys/fs/cgroup/blkio",
      pids: "/sys/fs/cgroup/pids",
      unified: "/sys/fs/cgroup/unified",
    });
    expect(parseMountinfo(MOUNTINFO_V2)).toEqual({ version: 2, unified: "/sys/fs/cgroup" });
  });
});
