import { io, type Socket } from "socket.io-client";
import { LABEL, ZSetAction, ZSetApply, ZVolumePurge, ZVolumeReceive, ZVolumeRestore, ZVolumeSend, type TContainerEvent, type TEndpointProbe } from "../lib/protocol/agent";
import { handlersOf } from "../lib/protocol/ack";
import { PROTOCOL_VERSION, ZAgentUpgrade, ZImagePull, ZSetRef, type TAgentClientToServer, type TAgentServerToClient } from "../lib/protocol/events";
import { measureCapacity } from "./capacity";
import { DiskUsageReporter } from "./disk/usage";
import { AGENT_VERSION, type TAgentSettings } from "./config";
import { DockerEngine, withDeadline } from "./docker/engine";
import { InfraImageProvider } from "./infra-provider";
import { MetricsService } from "./metrics/service";
import { hostAddress, probeEndpoints } from "./network/endpoints";
import { oomCause } from "./sets/cgroup";
import { SetManager } from "./sets/manager";
import { dockerFailure } from "./transport/failure";
import { attachStreams, type TAgentStreams } from "./transport/streams";
import type { TIdentity } from "./transport/identity";
import { EXIT_UPGRADED, replaceOwnBundle } from "./upgrade";
import { transferUrl } from "./volumes/transfer";
import { XfsVolumes } from "./volumes/xfs";

type TAgentSocket = Socket<TAgentServerToClient, TAgentClientToServer>;


/**
 * One agent: a Socket.IO client to the console's /agent namespace. Keeps no state of its own
 * beyond its identity file; what runs is read back from Docker labels on every connect.
 */
export class Agent {
  readonly engine: DockerEngine;
  readonly sets: SetManager;
  readonly metrics: MetricsService;
  readonly disk: DiskUsageReporter;
  private socket?: TAgentSocket;
  private heartbeatTimer?: NodeJS.Timeout;
  private eventsHandle?: { close(): void };
  private readonly infra: InfraImageProvider;
  private heartbeatInFlight = false;
  private engineDown = false;
  private lastMeasure?: Awaited<ReturnType<typeof measureCapacity>>;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempts = 0;
  /** Terminal sessions and log streams (agent/transport/streams.ts). */
  streams?: TAgentStreams;

  constructor(
    private readonly settings: TAgentSettings,
    private readonly identity: TIdentity,
  ) {
    this.engine = new DockerEngine(settings.DOCKER_HOST);
    const volumes = new XfsVolumes(settings.BERTH_VOLUME_ROOT, {
      directIo: settings.BERTH_VOLUME_DIRECT_IO === "1",
      dirtyPercent: settings.BERTH_VOLUME_DIRTY_PERCENT,
    });
    this.infra = new InfraImageProvider(this.engine, settings.BERTH_INFRA_IMAGE, (m) => this.log(m));
    this.sets = new SetManager(this.engine, identity.hostId, settings.BERTH_INFRA_IMAGE, volumes, (entry) => this.socket?.emit("volume:trashed", entry), {
      logs: { maxSize: settings.BERTH_LOG_MAX_SIZE, maxFiles: settings.BERTH_LOG_MAX_FILES },
      pidsPerCore: settings.BERTH_PIDS_PER_CORE,
    });
    this.sets.infraReady = () => this.infra.ready();
    this.sets.onPullProgress = (p) => this.socket?.emit("image:progress", p);
    this.metrics = new MetricsService(this.engine, identity.hostId);
    this.disk = new DiskUsageReporter(this.engine, identity.hostId, this.sets.volumes, settings.BERTH_DISK_SCAN_SECONDS * 1000, (usage) =>
      this.socket?.emit("disk:usage", usage),
    );
  }

  private log(m: string): void {
    console.log(`[agent ${this.settings.BERTH_HOST_NAME}] ${m}`);
  }

  async start(): Promise<void> {
    await this.infra.checkPresent();
    await this.watchDockerEvents();
    await this.metrics.start();
    this.disk.start();
    this.connect();
  }

  private connect(): void {
    const socket: TAgentSocket = io(new URL("/agent", this.identity.consoleUrl).toString(), {
      path: "/socket.io",
      transports: ["websocket"],
      auth: { protocolVersion: PROTOCOL_VERSION, credential: this.identity.credential },
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    this.metrics.attach(socket);
    this.streams = attachStreams(socket, this.engine, this.identity.hostId, this.settings.BERTH_AGENT_STATE_DIR);

    socket.on("connect", () => {
      this.reconnectAttempts = 0;
      this.log(`connected to ${this.identity.consoleUrl} as host ${this.identity.hostId}`);
      void this.sendHeartbeat()
        .then(() => this.sendInventory())
        .then(() => this.disk.scan());
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = setInterval(() => void this.sendHeartbeat(), this.settings.BERTH_HEARTBEAT_SECONDS * 1000);
    });
    socket.on("disconnect", (reason) => {
      clearInterval(this.heartbeatTimer);
      this.log(`disconnected: ${reason}`);
    });
    socket.on("connect_error", (err) => {
      // A refused handshake is not retried by socket.io itself; retry with jittered backoff.
      if (!socket.active && !this.stopped) {
        const delay = Math.min(30_000, 500 * 2 ** this.reconnectAttempts++) * (0.5 + Math.random());
        this.log(`console refused the connection (${err.message}); retrying in ${Math.round(delay)} ms`);
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = setTimeout(() => socket.connect(), delay);
      }
    });

    const on = handlersOf<TAgentServerToClient>(socket, { unexpected: dockerFailure });
    on.command("set:apply", ZSetApply, (req) => this.sets.apply(req.spec));
    on.command("image:pull", ZImagePull, (req) => ({ started: this.sets.prePull(req.images) }));
    on.command("set:action", ZSetAction, (req) => this.sets.action(req));
    on.command("set:status", ZSetRef, (req) => this.sets.status(req.setId));
    on.command("volume:restore", ZVolumeRestore, (req) => this.sets.restoreVolume(req.trashKey, req.setId));
    on.command("volume:send", ZVolumeSend, (req) =>
      this.sets.sendVolume(req.setId, transferUrl(this.identity.consoleUrl, req.transferId), () => undefined),
    );
    on.command("volume:receive", ZVolumeReceive, (req) => {
      // Progress for the drain's operation and the hosts page, about twice a second.
      let last = 0;
      const progress = (bytes: number) => {
        if (Date.now() - last < 500) return;
        last = Date.now();
        this.socket?.emit("volume:progress", { transferId: req.transferId, bytes });
      };
      return this.sets.receiveVolume(req.setId, req.sizeGiB, transferUrl(this.identity.consoleUrl, req.transferId), progress);
    });
    on.command("volume:purge", ZVolumePurge, (req) => {
      this.sets.volumes.purge(req.trashKey);
      return null;
    });
    socket.on("hello", (payload) => {
      const registry = typeof payload?.registry === "string" && /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(payload.registry) ? payload.registry : null;
      this.sets.registryAuth = registry ? { host: registry, credential: this.identity.credential } : null;
      // Only an image of that registry, by digest: the console cannot make this host pull from elsewhere.
      const pinned = registry && typeof payload?.infraImage === "string" && payload.infraImage.startsWith(`${registry}/library/`) && /@sha256:[a-f0-9]{64}$/.test(payload.infraImage) ? payload.infraImage : null;
      const auth = registry ? { username: "berth-host", password: this.identity.credential, serveraddress: registry } : undefined;
      void this.infra.provide(pinned, auth).then(() => this.sendHeartbeat());
    });
    on.command("agent:upgrade", ZAgentUpgrade, async (req) => {
      const r = await replaceOwnBundle(this.identity.consoleUrl, req);
      this.log(`upgraded ${r.from} → ${r.to}; restarting (containers keep running)`);
      // The answer must leave before the process does.
      setTimeout(() => {
        this.stop();
        process.exit(EXIT_UPGRADED);
      }, 300);
      return r;
    });
    on.query("inventory:get", async () => ({ sets: await this.sets.inventory(), trash: this.sets.volumes.listTrash() }));
  }

  /**
   * Capacity, endpoints and engine health, every heartbeat. Docker is asked with a deadline: a
   * hung engine (dockerd stopped, not dead) must turn the host NotReady, not stop the heartbeat.
   * The last capacity measured stands while the engine does not answer.
   */
  private async sendHeartbeat(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected || this.heartbeatInFlight) return;
    this.heartbeatInFlight = true;
    try {
      const deadlineMs = this.settings.BERTH_ENGINE_TIMEOUT_SECONDS * 1000;
      let engineError: string | null = null;
      let endpoints: TEndpointProbe[] | undefined;
      try {
        this.lastMeasure = await withDeadline(measureCapacity(this.engine, this.settings.BERTH_VOLUME_ROOT), deadlineMs, "docker info");
        endpoints = await withDeadline(probeEndpoints(this.engine, this.identity.hostId), deadlineMs, "listing containers");
      } catch (err) {
        engineError = (err as Error).message;
      }
      const wasDown = this.engineDown;
      this.engineDown = engineError !== null;
      if (this.engineDown && !wasDown) this.log(`Docker engine not answering: ${engineError}`);
      const m = this.lastMeasure;
      socket.emit(
        "heartbeat",
        {
          capacity: m?.capacity ?? { cpuCores: 0, memoryBytes: 0, diskFreeBytes: 0, volumeFreeBytes: 0 },
          labels: { zone: this.settings.BERTH_ZONE, ...(m ? { cgroup: m.cgroup } : {}) },
          agentVersion: AGENT_VERSION,
          ...(m ? { dockerVersion: m.dockerVersion } : {}),
          engineReady: !this.engineDown,
          statusReason: engineError ? `Docker engine not answering: ${engineError}` : this.infra.problem,
          ...(this.infra.registryPull ? { registryPull: this.infra.registryPull } : {}),
          address: hostAddress(this.settings.BERTH_HOST_ADDRESS),
          ...(endpoints ? { endpoints } : {}),
        },
        () => undefined,
      );
      // Back from a hang: the console compares what runs with what should, as on a reconnect.
      if (wasDown && !this.engineDown) {
        this.log("Docker engine answers again");
        await this.sendInventory();
      }
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  private async sendInventory(): Promise<void> {
    try {
      const sets = await this.sets.inventory();
      this.socket?.emit("inventory", { sets, trash: this.sets.volumes.listTrash() }, () => undefined);
    } catch (err) {
      this.log(`inventory failed: ${(err as Error).message}`);
    }
  }

  private async watchDockerEvents(): Promise<void> {
    const restart = (why: string) => {
      if (this.stopped) return;
      this.log(`docker event stream ended (${why}); reopening`);
      setTimeout(
        () =>
          void this.watchDockerEvents()
            // The engine may have restarted and stopped every container: the console compares
            // what runs now with what should, and has the agent start the sets again, volume first.
            .then(() => this.sendInventory())
            .catch((e: unknown) => restart(String(e))),
        1000,
      );
    };
    this.eventsHandle = await this.engine.events(
      { [LABEL.host]: this.identity.hostId },
      (e) => {
        const setId = e.labels[LABEL.set];
        if (!setId) return;
        const action = e.action.split(":")[0];
        if (!["start", "die", "oom", "stop", "destroy"].includes(action)) return;
        this.metrics.invalidate();
        const event: TContainerEvent = {
          setId,
          role: e.labels[LABEL.role] === "infra" ? "infra" : "app",
          index: Number(e.labels[LABEL.index] ?? -1),
          name: e.labels[LABEL.name] ?? "",
          dockerId: e.id,
          action: action as TContainerEvent["action"],
          exitCode: e.exitCode,
          at: e.time * 1000,
          ...(action === "oom" ? { detail: oomCause(setId, e.id) ?? undefined } : {}),
        };
        this.socket?.emit("container:event", event);
      },
      (err) => restart(err?.message ?? "closed"),
    );
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.reconnectTimer);
    this.eventsHandle?.close();
    this.metrics.close();
    this.disk.close();
    void this.streams?.closeAll("the agent is stopping");
    this.socket?.close();
  }
}
