/**
 * The create-app form's model. Fields are kept as the strings the user typed, so switching to
 * the JSON tab and back never loses a half-typed value; `draftToBody` turns them into the API
 * body and `bodyToDraft` reads a body (from the JSON tab) back into fields.
 */

export interface TDraftContainer {
  /** React key only; never sent. */
  key: string;
  index: string;
  name: string;
  image: string;
  cpu: string;
  memory: string;
  /** KEY=VALUE per line. */
  env: string;
  /** Shell-like words: httpd -f -p "8080". */
  command: string;
}

export interface TDraft {
  name: string;
  replicas: string;
  cpu: string;
  memoryMiB: string;
  diskGiB: string;
  volumePath: string;
  /** One port per line: `name port[/udp] [publish]`. */
  ports: string;
  containers: TDraftContainer[];
}

/** A problem found before the request is sent, at the same path the server would use. */
export interface TFieldIssue {
  path: string;
  message: string;
}

let keySeq = 0;
export function newKey(): string {
  keySeq += 1;
  return `c${keySeq}`;
}

export function emptyContainer(existing: TDraftContainer[]): TDraftContainer {
  const used = new Set(existing.map((c) => Number(c.index)));
  let index = 0;
  while (used.has(index)) index += 1;
  const names = new Set(existing.map((c) => c.name));
  let name = index === 0 ? "app" : `sidecar-${index}`;
  while (names.has(name)) name = `${name}-x`;
  return { key: newKey(), index: String(index), name, image: "", cpu: "100", memory: "100", env: "", command: "" };
}

export function initialDraft(): TDraft {
  return { name: "", replicas: "1", cpu: "0.5", memoryMiB: "256", diskGiB: "1", volumePath: "", ports: "", containers: [emptyContainer([])] };
}

/** A number when the text is one, else the text itself, so the server names the bad field. */
function num(text: string): number | string {
  const t = text.trim();
  if (t === "") return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export function parseEnv(text: string): { env: Record<string, string>; error: string | null } {
  const env: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { env, error: `line ${i + 1}: expected KEY=VALUE, got “${line.slice(0, 40)}”` };
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return { env, error: null };
}

export function formatEnv(env: Record<string, string> | undefined): string {
  return Object.entries(env ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}

/** Splits like a shell would, minus expansion: quotes group words, a backslash escapes one character. */
export function splitCommand(text: string): { words: string[]; error: string | null } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return { words, error: `unclosed ${quote} quote` };
  if (inWord) words.push(word);
  return { words, error: null };
}

/** `http 8080 publish` per line → the API's ports; a line it cannot read is reported with its number. */
export function parsePorts(text: string): { ports: Array<Record<string, unknown>>; error: string | null } {
  const ports: Array<Record<string, unknown>> = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+)\s+(\d+)(?:\/(tcp|udp))?(\s+publish(?:ed)?)?$/i.exec(line);
    if (!m) return { ports, error: `line ${i + 1}: expected “name port[/udp] [publish]”, got “${line.slice(0, 40)}”` };
    ports.push({ name: m[1], port: Number(m[2]), protocol: (m[3] ?? "tcp").toLowerCase(), publish: Boolean(m[4]) });
  }
  return { ports, error: null };
}

export function formatPorts(ports: unknown[]): string {
  return ports
    .map((p) => {
      const r = isRecord(p) ? p : {};
      const proto = r.protocol === "udp" ? "/udp" : "";
      return `${text(r.name)} ${text(r.port)}${proto}${r.publish === true ? " publish" : ""}`;
    })
    .join("\n");
}

export function joinCommand(words: string[] | undefined): string {
  return (words ?? []).map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** The API body, plus the problems only the browser can see (env lines, quotes). */
export function draftToBody(d: TDraft): { body: Record<string, unknown>; issues: TFieldIssue[] } {
  const issues: TFieldIssue[] = [];
  const containers = d.containers.map((c, i) => {
    const out: Record<string, unknown> = { index: num(c.index), name: c.name.trim(), image: c.image.trim(), cpu: num(c.cpu), memory: num(c.memory) };
    const env = parseEnv(c.env);
    if (env.error) issues.push({ path: `containers.${i}.env`, message: env.error });
    if (Object.keys(env.env).length) out.env = env.env;
    const cmd = splitCommand(c.command);
    if (cmd.error) issues.push({ path: `containers.${i}.command`, message: cmd.error });
    if (cmd.words.length) out.command = cmd.words;
    return out;
  });
  const ports = parsePorts(d.ports);
  if (ports.error) issues.push({ path: "ports", message: ports.error });
  const body: Record<string, unknown> = {
    name: d.name.trim(),
    replicas: num(d.replicas),
    size: { cpu: num(d.cpu), memoryMiB: num(d.memoryMiB), diskGiB: num(d.diskGiB) },
    ...(d.volumePath.trim() ? { volumePath: d.volumePath.trim() } : {}),
    ...(ports.ports.length ? { ports: ports.ports } : {}),
    containers,
  };
  return { body, issues };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const text = (v: unknown): string => (v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v));

const TOP_KEYS = new Set(["name", "replicas", "size", "volumePath", "ports", "containers"]);
const SIZE_KEYS = new Set(["cpu", "memoryMiB", "diskGiB"]);
const CONTAINER_KEYS = new Set(["index", "name", "image", "cpu", "memory", "env", "command"]);

/**
 * Reads a body into form fields. Anything the form has no field for is listed instead of being
 * dropped in silence; the caller keeps the JSON tab open then.
 */
export function bodyToDraft(raw: unknown): { draft: TDraft; unsupported: string[] } {
  const unsupported: string[] = [];
  if (!isRecord(raw)) return { draft: { ...initialDraft(), containers: [] }, unsupported: ["the body must be a JSON object"] };
  for (const k of Object.keys(raw)) if (!TOP_KEYS.has(k)) unsupported.push(k);
  const size = isRecord(raw.size) ? raw.size : {};
  for (const k of Object.keys(size)) if (!SIZE_KEYS.has(k)) unsupported.push(`size.${k}`);
  const list = Array.isArray(raw.containers) ? raw.containers : [];
  const containers = list.map((c, i): TDraftContainer => {
    const r = isRecord(c) ? c : {};
    if (!isRecord(c)) unsupported.push(`containers.${i} (not an object)`);
    for (const k of Object.keys(r)) if (!CONTAINER_KEYS.has(k)) unsupported.push(`containers.${i}.${k}`);
    const env = isRecord(r.env) ? Object.fromEntries(Object.entries(r.env).map(([k, v]) => [k, text(v)])) : {};
    if (r.env !== undefined && !isRecord(r.env)) unsupported.push(`containers.${i}.env (not an object)`);
    const command = Array.isArray(r.command) ? r.command.map(text) : [];
    if (r.command !== undefined && !Array.isArray(r.command)) unsupported.push(`containers.${i}.command (not an array)`);
    return {
      key: newKey(),
      index: text(r.index),
      name: text(r.name),
      image: text(r.image),
      cpu: text(r.cpu),
      memory: text(r.memory),
      env: formatEnv(env),
      command: joinCommand(command),
    };
  });
  return {
    draft: {
      name: text(raw.name),
      replicas: text(raw.replicas),
      cpu: text(size.cpu),
      memoryMiB: text(size.memoryMiB),
      diskGiB: text(size.diskGiB),
      volumePath: text(raw.volumePath),
      ports: Array.isArray(raw.ports) ? formatPorts(raw.ports) : "",
      containers,
    },
    unsupported,
  };
}

/** What the app reserves against quota: its size times its replicas (zero where a field is not a number yet). */
export function draftReservation(d: TDraft): { cpu: number; memoryMiB: number; diskGiB: number; sets: number } {
  const n = (t: string) => {
    const v = Number(t);
    return Number.isFinite(v) && v > 0 ? v : 0;
  };
  const replicas = Math.floor(n(d.replicas));
  return { cpu: n(d.cpu) * replicas, memoryMiB: n(d.memoryMiB) * replicas, diskGiB: n(d.diskGiB) * replicas, sets: replicas };
}
