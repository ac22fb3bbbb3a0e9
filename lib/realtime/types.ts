import type { Namespace } from "socket.io";
import type { TPrincipal } from "../auth/principal";
import type { TAgentClientToServer, TAgentServerToClient, TUiClientToServer, TUiServerToClient } from "../protocol/events";
import type { TAgentIdentity } from "./socket-auth";
import type { TReplicaEvents, TUiReplicaEvents } from "../protocol/cluster";

export interface TUiData {
  principal: TPrincipal;
}
export interface TAgentData {
  host: TAgentIdentity;
}

export type TUiNamespace = Namespace<TUiClientToServer, TUiServerToClient, TUiReplicaEvents, TUiData>;
export type TAgentNamespace = Namespace<TAgentClientToServer, TAgentServerToClient, TReplicaEvents, TAgentData>;
