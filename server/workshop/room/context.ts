// What the room's routes (issue 14) are given by the hub: one object, so each group of routes takes the same
// thing and the hub wires them with one line each.
import type { IdleLabs } from "../idle-labs.ts";
import type { LabApps } from "../lab-apps.ts";
import type { LabProvider } from "../provider.ts";
import type { Sessions } from "../sessions.ts";
import type { HubStore } from "../store/store.ts";
import type { HubSecrets } from "../tokens.ts";
import type { PublicAddress } from "../web-security.ts";
import type { RoomBus } from "./bus.ts";

export interface RoomContext {
  sessions: Sessions;
  store: HubStore;
  labs: LabApps;
  /** The labs' last calls: an action the hub runs on a lab counts as one, so the lab is not parked under it. */
  idle: IdleLabs;
  provider: LabProvider;
  bus: RoomBus;
  secrets: HubSecrets;
  address: PublicAddress;
  /** How often an idle feed sends a keep-alive comment (server/routes/event-stream.ts). */
  keepAliveMs: number;
}
