/**
 * IPv4 value types: an address, a CIDR block and an inclusive address range.
 *
 * The homelab model is IPv4: home LANs, MetalLB L2 pools and WireGuard tunnel
 * subnets are IPv4 in every lab this library targets. Parsing is strict
 * (four decimal octets, no leading zeros) because a lenient parser turns a typo
 * like `192.168.1.010` into a different address without a word.
 */
import ipaddr from "ipaddr.js";
import { describeValue } from "./problems.js";

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Why a string is not an IPv4 address, or undefined when it is one. */
export function ipv4Problem(text: unknown): string | undefined {
  if (typeof text !== "string") return `must be a string like "192.168.1.10", got ${describeValue(text)}`;
  if (DOTTED_QUAD.test(text)) return undefined;
  if (ipaddr.IPv6.isValid(text)) return `"${text}" is an IPv6 address; the model is IPv4 only`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    return `"${text}" is not an IPv4 address (each octet is 0-255, written without leading zeros)`;
  }
  return `"${text}" is not an IPv4 address like "192.168.1.10"`;
}

/** An IPv4 address. Immutable; compare with {@link Ip.equals}. */
export class Ip {
  /**
   * Parses a dotted-quad IPv4 address.
   * @throws Error when the text is not a strict dotted quad.
   */
  static of(text: string): Ip {
    const problem = ipv4Problem(text);
    if (problem !== undefined) throw new Error(problem);
    const [a, b, c, d] = text.split(".").map(Number) as [number, number, number, number];
    return new Ip(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);
  }

  /** The address with the given 32-bit unsigned value. */
  static fromNumber(value: number): Ip {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`${value} is not a 32-bit IPv4 address value`);
    }
    return new Ip(value);
  }

  private constructor(
    /** The address as an unsigned 32-bit integer. */
    readonly value: number,
  ) {}

  /** This address plus `n` (may be negative). */
  plus(n: number): Ip {
    return Ip.fromNumber(this.value + n);
  }

  equals(other: Ip): boolean {
    return this.value === other.value;
  }

  compare(other: Ip): number {
    return this.value - other.value;
  }

  toString(): string {
    const v = this.value;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Why a string is not an IPv4 CIDR block, or undefined when it is one. */
export function cidrProblem(text: unknown): string | undefined {
  if (typeof text !== "string") return `must be a string like "192.168.1.0/24", got ${describeValue(text)}`;
  const slash = text.indexOf("/");
  if (slash < 0) return `"${text}" is not a CIDR block like "192.168.1.0/24" (the "/prefix" is missing)`;
  const addr = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  const addrProblem = ipv4Problem(addr);
  if (addrProblem !== undefined) return `"${text}": ${addrProblem}`;
  if (!/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefix)) {
    return `"${text}" has prefix length "${prefix}"; use 0-32`;
  }
  const cidr = Cidr.unchecked(Ip.of(addr), Number(prefix));
  if (!cidr.network.equals(Ip.of(addr))) {
    return `"${text}" has host bits set; the block is "${cidr.toString()}"`;
  }
  return undefined;
}

/** An IPv4 CIDR block such as `192.168.1.0/24`. */
export class Cidr {
  /**
   * Parses a CIDR block; host bits must be zero (`192.168.1.0/24`, not `192.168.1.7/24`).
   * @throws Error when the text is not a CIDR block.
   */
  static of(text: string): Cidr {
    const problem = cidrProblem(text);
    if (problem !== undefined) throw new Error(problem);
    const [addr, prefix] = text.split("/") as [string, string];
    return new Cidr(Ip.of(addr), Number(prefix));
  }

  /** @internal builds the block containing `addr`, masking host bits. */
  static unchecked(addr: Ip, prefix: number): Cidr {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return new Cidr(Ip.fromNumber((addr.value & mask) >>> 0), prefix);
  }

  private constructor(
    /** The network address (host bits zero). */
    readonly network: Ip,
    /** The prefix length, 0-32. */
    readonly prefix: number,
  ) {}

  /** Number of addresses in the block, network and broadcast included. */
  get size(): number {
    return 2 ** (32 - this.prefix);
  }

  /** The last address of the block (the broadcast address for prefixes below 31). */
  get last(): Ip {
    return Ip.fromNumber(this.network.value + this.size - 1);
  }

  /** First usable host address (network + 1, except for /31 and /32). */
  get firstHost(): Ip {
    return this.prefix >= 31 ? this.network : this.network.plus(1);
  }

  /** True when `ip` lies inside the block. */
  contains(ip: Ip): boolean {
    return ip.value >= this.network.value && ip.value <= this.last.value;
  }

  /** True when `ip` is the network or broadcast address of a block with prefix below 31. */
  isNetworkOrBroadcast(ip: Ip): boolean {
    return this.prefix < 31 && (ip.equals(this.network) || ip.equals(this.last));
  }

  /** The block as an inclusive range. */
  toRange(): IpRange {
    return IpRange.unchecked(this.network, this.last);
  }

  toString(): string {
    return `${this.network.toString()}/${this.prefix}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Why a string is not an address range `A-B` or CIDR, or undefined when it is one. */
export function rangeProblem(text: unknown): string | undefined {
  if (typeof text !== "string") {
    return `must be a string like "192.168.1.200-192.168.1.220" or "192.168.1.192/27", got ${describeValue(text)}`;
  }
  if (text.includes("/")) return cidrProblem(text);
  const parts = text.split("-");
  if (parts.length !== 2) {
    return `"${text}" is neither a range like "192.168.1.200-192.168.1.220" nor a CIDR block`;
  }
  const [from, to] = parts.map((p) => p.trim()) as [string, string];
  const p = ipv4Problem(from) ?? ipv4Problem(to);
  if (p !== undefined) return `"${text}": ${p}`;
  if (Ip.of(from).value > Ip.of(to).value) return `"${text}" ends before it starts; write the lower address first`;
  return undefined;
}

/** An inclusive IPv4 address range, as MetalLB's `IPAddressPool.spec.addresses` takes them. */
export class IpRange {
  /**
   * Parses `192.168.1.200-192.168.1.220` or a CIDR block.
   * @throws Error when the text is neither.
   */
  static of(text: string): IpRange {
    const problem = rangeProblem(text);
    if (problem !== undefined) throw new Error(problem);
    if (text.includes("/")) return Cidr.of(text).toRange();
    const [from, to] = text.split("-").map((p) => Ip.of(p.trim())) as [Ip, Ip];
    return new IpRange(from, to);
  }

  /** @internal */
  static unchecked(first: Ip, last: Ip): IpRange {
    return new IpRange(first, last);
  }

  private constructor(
    readonly first: Ip,
    readonly last: Ip,
  ) {}

  /** Number of addresses in the range. */
  get size(): number {
    return this.last.value - this.first.value + 1;
  }

  contains(ip: Ip): boolean {
    return ip.value >= this.first.value && ip.value <= this.last.value;
  }

  /** True when every address of this range lies in `cidr`. */
  within(cidr: Cidr): boolean {
    return cidr.contains(this.first) && cidr.contains(this.last);
  }

  overlaps(other: IpRange): boolean {
    return this.first.value <= other.last.value && other.first.value <= this.last.value;
  }

  /** `first-last` (MetalLB's range syntax). */
  toString(): string {
    return `${this.first.toString()}-${this.last.toString()}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
