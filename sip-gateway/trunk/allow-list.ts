import { BlockList, isIP } from 'node:net';

/**
 * The trunk's IP allow-list (`SIP_TRUNK_ALLOWED_IPS`, comma-separated CIDR).
 * Anything else gets 403 before we look further into the request.
 */
export class AllowList {
  readonly #list = new BlockList();

  constructor(cidrs: string[]) {
    for (const cidr of cidrs) {
      const [net, prefixText] = cidr.split('/');
      const type = isIP(net ?? '') === 6 ? 'ipv6' : 'ipv4';
      if (!net || isIP(net) === 0) throw new Error(`not an IP address: ${cidr}`);
      const prefix = prefixText === undefined ? (type === 'ipv4' ? 32 : 128) : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) {
        throw new Error(`bad prefix length: ${cidr}`);
      }
      this.#list.addSubnet(net, prefix, type);
    }
  }

  allows(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    const family = isIP(ip);
    if (family === 0) return false;
    return this.#list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  }
}
