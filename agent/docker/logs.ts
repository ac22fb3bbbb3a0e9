import type { Readable } from "node:stream";
import type { DockerEngine } from "./engine";

export interface TLogRequest {
  tail: number;
  /** Unix seconds (a string may carry nanoseconds: `secs.nnnnnnnnn`); 0 = no lower bound. */
  since: number | string;
  follow: boolean;
}

export interface TLogHandle {
  stream: Readable;
  /** Ends the request to Docker (and with it Docker's follow). */
  close(): void;
}

/**
 * A container's log stream (always a stream: dockerode's `logs()` buffers the whole answer in
 * memory unless it follows).
 */
export async function openContainerLogs(engine: DockerEngine, containerId: string, req: TLogRequest, signal?: AbortSignal): Promise<TLogHandle> {
  const abort = new AbortController();
  // A follow of a quiet container waits for Docker's answer until its first line: the caller
  // must be able to give up on it.
  signal?.addEventListener("abort", () => abort.abort(), { once: true });
  const stream = await new Promise<Readable>((resolve, reject) => {
    engine.docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(containerId)}/logs?`,
        method: "GET",
        isStream: true,
        abortSignal: abort.signal,
        statusCodes: { 200: true, 404: "no such container", 500: "server error" },
        options: { stdout: true, stderr: true, timestamps: true, follow: req.follow, tail: String(req.tail), since: req.since },
      },
      (err, result) => (err ? reject(err) : resolve(result as Readable)),
    );
  });
  return {
    stream,
    close: () => {
      abort.abort();
      stream.destroy();
    },
  };
}

/** Whether the container was created with a TTY: then its logs are raw bytes, not frames. */
export async function containerHasTty(engine: DockerEngine, containerId: string): Promise<boolean> {
  const i = await engine.docker.getContainer(containerId).inspect();
  return Boolean(i.Config.Tty);
}
