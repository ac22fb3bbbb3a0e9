import type { Readable } from "node:stream";
import type { DockerEngine } from "./engine";

export interface TLogRequest {
  tail: number;
  /** Unix seconds; 0 = no lower bound. */
  since: number;
  follow: boolean;
}

/**
 * A container's log stream (always a stream: dockerode's `logs()` buffers the whole answer in
 * memory unless it follows). The caller destroys the stream to stop it; `signal` does the same.
 */
export function openContainerLogs(engine: DockerEngine, containerId: string, req: TLogRequest, signal: AbortSignal): Promise<Readable> {
  return new Promise((resolve, reject) => {
    engine.docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(containerId)}/logs?`,
        method: "GET",
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: "no such container", 500: "server error" },
        options: { stdout: true, stderr: true, timestamps: true, follow: req.follow, tail: String(req.tail), since: req.since },
      },
      (err, result) => (err ? reject(err) : resolve(result as Readable)),
    );
  });
}

/** Whether the container was created with a TTY: then its logs are raw bytes, not frames. */
export async function containerHasTty(engine: DockerEngine, containerId: string): Promise<boolean> {
  const i = await engine.docker.getContainer(containerId).inspect();
  return Boolean(i.Config.Tty);
}
