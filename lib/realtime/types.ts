import type { Namespace } from "socket.io";
import type { TPrincipal } from "../auth/principal";
import type { TAgentClientToServer, TAgentServerToClient, TUiClientToServer, TUiServerToClient } from "../protocol/events";
import type { TAgentIdentity } from "./socket-auth";

export interface TUiData {
  principal: TPrincipal;
}
export interface TAgentData {
  host: TAgentIdentity;
}

export type TUiNamespace = Namespace<TUiClientToServer, TUiServerToClient, Record<string, never>, TUiData>;
export type TAgentNamespace = Namespace<TAgentClientToServer, TAgentServerToClient, Record<string, never>, TAgentData>;
