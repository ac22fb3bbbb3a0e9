import fs from "node:fs";
import { pack } from "tar-stream";
import { settings } from "../env";

/** The BusyBox root filesystem behind Berth's infra image and the test images. */

const BUSYBOX_CANDIDATES = ["/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox"];
// Enough applets for a shell, debugging and the demo images; all links to the one binary.
const APPLETS = [
  "sh", "ash", "sleep", "cat", "echo", "ls", "ps", "top", "env", "hostname", "ip", "ifconfig", "nc", "wget",
  "httpd", "df", "du", "mount", "stty", "grep", "sed", "awk", "head", "tail", "true", "false", "dd", "yes",
  "mkdir", "rm", "cp", "mv", "touch", "id", "whoami", "uname", "date", "free", "kill", "ping", "vi", "less",
  "seq", "sort", "wc", "tr", "cut", "xargs", "find", "tee", "printf", "test", "[", "uptime", "nslookup",
];

export function findStaticBusybox(): string {
  const explicit = settings().BERTH_BUSYBOX_PATH;
  for (const candidate of explicit ? [explicit] : BUSYBOX_CANDIDATES) {
    if (!fs.existsSync(candidate)) continue;
    const head = Buffer.alloc(8192);
    const fd = fs.openSync(candidate, "r");
    try {
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    // A dynamically linked busybox names its loader near the start of the ELF file.
    if (!head.includes("ld-linux") && !head.includes("ld-musl")) return candidate;
  }
  throw new Error(
    "No static BusyBox found (tried " + (explicit ?? BUSYBOX_CANDIDATES.join(", ")) + "); install busybox-static or set BERTH_BUSYBOX_PATH",
  );
}

/** A root filesystem of one static BusyBox and its applet links, as a tar stream. */
export function busyboxRootfs(busyboxPath = findStaticBusybox()): NodeJS.ReadableStream {
  const tar = pack();
  const binary = fs.readFileSync(busyboxPath);
  // A fixed mtime makes the layer's digest depend on the binary only: the console publishes the same
  // infra image at every start instead of a new one.
  const mtime = new Date(0);
  for (const dir of ["bin", "tmp", "data", "etc", "proc", "sys", "dev", "root"]) {
    tar.entry({ name: dir, type: "directory", mode: dir === "tmp" ? 0o1777 : 0o755, mtime });
  }
  tar.entry({ name: "bin/busybox", mode: 0o755, size: binary.length, mtime }, binary);
  for (const applet of APPLETS) tar.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox", mtime });
  tar.entry({ name: "etc/passwd", mode: 0o644, mtime }, "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
  tar.entry({ name: "etc/group", mode: 0o644, mtime }, "root:x:0:\nnobody:x:65534:\n");
  tar.finalize();
  // tar-stream's Pack is a streamx Readable: it pipes like a Node stream but lacks a few typings.
  return tar as unknown as NodeJS.ReadableStream;
}

