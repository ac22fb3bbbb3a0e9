import type { DockerEngine } from "./docker/engine";
import { ensureBusyboxImage } from "./docker/infra-image";

export interface TRegistryPullCheck {
  ok: boolean;
  error?: string;
  checkedAt: string;
}

type TAuth = { username: string; password: string; serveraddress: string };

/**
 * Provides the infra image under its local name (`berth/infra:<version>`): from the console's
 * registry when the console names a pinned one (a fresh host needs nothing but Docker), else
 * built from the host's own static BusyBox. Every hello also re-checks that this host can pull
 * from Berth's registry with its credential, which the Hosts page shows.
 */
export class InfraImageProvider {
  /** Null until a console with a registry said hello. */
  registryPull: TRegistryPullCheck | null = null;
  /** Why there is no infra image (shown as the host's status reason), or null. */
  problem: string | null = null;
  private pending: Promise<void> | null = null;
  private settled: Promise<void>;
  private settle!: () => void;

  constructor(
    private readonly engine: DockerEngine,
    private readonly localRef: string,
    private readonly log: (m: string) => void,
  ) {
    this.settled = new Promise((resolve) => (this.settle = resolve));
  }

  /** Resolves once the first attempt finished (sets wait for it rather than failing on a missing image). */
  ready(): Promise<void> {
    return this.settled;
  }

  /** At start: an image already here is enough; otherwise wait for the console's hello. */
  async checkPresent(): Promise<boolean> {
    try {
      if (await this.engine.hasImage(this.localRef)) {
        this.log(`infra image ${this.localRef}: present`);
        this.settle();
        return true;
      }
    } catch (err) {
      this.problem = `infra image: ${(err as Error).message}`;
    }
    return false;
  }

  /** On every hello; concurrent calls share one attempt. */
  provide(pinned: string | null, auth: TAuth | undefined): Promise<void> {
    this.pending ??= this.attempt(pinned, auth).finally(() => {
      this.pending = null;
      this.settle();
    });
    return this.pending;
  }

  private async attempt(pinned: string | null, auth: TAuth | undefined): Promise<void> {
    const [repo, tag = "latest"] = splitRef(this.localRef);
    let present = await this.engine.hasImage(this.localRef).catch(() => false);
    if (pinned) {
      try {
        // Also when the image is here: a pull by digest asks the registry, which proves the credential works.
        await this.engine.pull(pinned, auth);
        this.registryPull = { ok: true, checkedAt: new Date().toISOString() };
        if (!present) {
          await this.engine.tagImage(pinned, repo, tag);
          present = true;
          this.log(`infra image ${this.localRef}: pulled ${pinned}`);
        }
      } catch (err) {
        this.registryPull = { ok: false, error: (err as Error).message.slice(0, 400), checkedAt: new Date().toISOString() };
        this.log(`cannot pull from Berth's registry: ${this.registryPull.error}`);
      }
    } else {
      this.registryPull = null;
    }
    if (present) {
      this.problem = null;
      return;
    }
    try {
      const how = await ensureBusyboxImage(this.engine, repo, tag);
      this.log(`infra image ${this.localRef}: ${how}`);
      this.problem = null;
    } catch (err) {
      // Shown on the host in the console; the agent keeps running so the operator can fix it.
      this.problem = (err as Error).message;
      this.log(`infra image unavailable: ${this.problem}`);
    }
  }
}

function splitRef(ref: string): [string, string | undefined] {
  const colon = ref.lastIndexOf(":");
  return colon > ref.lastIndexOf("/") ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, undefined];
}
