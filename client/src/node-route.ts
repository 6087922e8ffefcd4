import { CLUSTER_NODES_PATH, ClusterNodesSchema } from '../../signaling/protocol/cluster.js';
import { GuichetError } from './errors.js';

/*
 * Following a room to its node. A room lives on one node of the cluster; a
 * join that reaches another is answered ROOM_ELSEWHERE with the owner's
 * address, and the protocol client reconnects there and joins again, with
 * no one clicking anything. If the node a page came from is dead, the page
 * connects through any other node it heard of (GET /api/v1/cluster/nodes),
 * which then claims the room or points to its new owner.
 */

/** More hops than this means the cluster disagrees with itself: give up and let the caller retry. */
export const MAX_REDIRECTS = 3;

/** Where socket.io lives for a node address: `https://x.fr/n/a` → origin `https://x.fr`, path `/n/a/socket.io`. */
export function socketTarget(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname.replace(/\/+$/, '')}/socket.io` };
}

/** Runs a join, following each ROOM_ELSEWHERE to the node it names. */
export async function followRedirects<T>(
  attempt: () => Promise<T>,
  moveTo: (url: string) => Promise<void>,
): Promise<T> {
  for (let hop = 0; ; hop += 1) {
    try {
      return await attempt();
    } catch (error) {
      const location =
        error instanceof GuichetError && error.code === 'ROOM_ELSEWHERE' ? error.location : undefined;
      if (location === undefined) throw error;
      // Nodes still disagree (a claim moving after a crash): a passing failure, worth a later try.
      if (hop >= MAX_REDIRECTS)
        throw new GuichetError('TIMEOUT', 'the room could not be reached', { cause: error });
      await moveTo(location);
    }
  }
}

/** The other nodes a page may fall back on; refreshed from the page's own node whenever it is reachable. */
export class NodeRoute {
  #fallbacks: string[] = [];

  /** `home`: the address the page's own node is known by (its origin), left out of the fallbacks. */
  constructor(
    private readonly fetchNodes: () => Promise<unknown>,
    private readonly home: string | undefined,
  ) {}

  get fallbacks(): readonly string[] {
    return this.#fallbacks;
  }

  /** Never rejects: a node that can't say who its peers are leaves the list as it was. */
  async refresh(): Promise<void> {
    try {
      const parsed = ClusterNodesSchema.safeParse(await this.fetchNodes());
      if (!parsed.success) return;
      this.#fallbacks = parsed.data.nodes
        .map((n) => n.url.replace(/\/+$/, ''))
        .filter((url) => url !== this.home);
    } catch {
      // Offline, or an older server without the route: keep what we had.
    }
  }

  /**
   * Connects to `first` (undefined: the page's own node), else to each
   * fallback in turn. Only unreachable nodes are skipped: a refusal (wrong
   * protocol version) is final. A success on the page's own node refreshes
   * the list for next time.
   */
  async connect<S>(first: string | undefined, open: (url: string | undefined) => Promise<S>): Promise<S> {
    let firstError: unknown;
    for (const url of [first, ...this.#fallbacks.filter((u) => u !== first)]) {
      try {
        const socket = await open(url);
        if (url === undefined) void this.refresh();
        return socket;
      } catch (error) {
        firstError ??= error;
        const code = error instanceof GuichetError ? error.code : undefined;
        if (code !== 'NETWORK' && code !== 'TIMEOUT') throw error;
      }
    }
    throw firstError;
  }
}

let pageRoute: NodeRoute | undefined;

/** The page's route (one per page: every call of the page shares what was learnt). */
export function browserRoute(): NodeRoute {
  pageRoute ??= new NodeRoute(async () => {
    const response = await fetch(CLUSTER_NODES_PATH, { cache: 'no-store' });
    return response.ok ? response.json() : null;
  }, globalThis.location?.origin);
  return pageRoute;
}
