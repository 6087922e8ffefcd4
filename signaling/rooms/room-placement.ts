import type { RoomId } from '../protocol/index.js';

/** How the join that opens a room reached this node. */
export interface EntryRoute {
  /**
   * A proxy in front chose this node by the room's id (TRUST_PROXY and the
   * proxy's `X-Guichet-Route: room` on a socket whose `?room=` is the room
   * joined): every later join of the room will come here too, so keeping
   * the room saves each of them a redirect.
   */
  routedByRoom: boolean;
}

/**
 * Which node a room lives on. RoomService asks before it opens a room here
 * and tells when the room closes here; the cluster's directory implements it
 * (signaling/cluster), and a single node always places a room on itself.
 */
export interface RoomPlacement {
  /** Resolves when this node may open the room; throws RoomElsewhereError when another node owns it. */
  claim(roomId: RoomId, route?: EntryRoute): Promise<void>;
  /** The room closed on this node: its claim goes. Never throws. */
  release(roomId: RoomId): void;
  /**
   * The address of another live node that owns the room now, or null (no
   * owner, this node, or an owner not heard from lately: then `claim`
   * decides). Cheap (one read), so a join can be sent on before any
   * credential work: the owner checks the credential, and counts it.
   */
  locate?(roomId: RoomId): Promise<string | null>;
}
