/**
 * The grammar of an image reference, as the container runtimes parse it
 * (github.com/distribution/reference):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component { "/" path-component }   at most 255 characters
 *   domain     := host [ ":" port ]        host: DNS labels joined by ".", or "[" IPv6 "]"
 *   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*   lowercase only
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex        algorithm: [A-Za-z][A-Za-z0-9]* joined by "+", ".", "_" or "-";
 *                                          hex: 32 or more hex digits (sha256: 64 lowercase, sha512: 128)
 *
 * The first component is the registry when it has a "." or a ":", is `localhost`, or has an
 * uppercase letter (as `docker pull` decides).
 */

const DOMAIN_LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::([0-9]+))?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const NAME_MAX_LENGTH = 255;

/** The parts of a reference, split the way the grammar does (not yet checked). */
function split(image: string): { name: string; tag: string | undefined; digest: string | undefined } {
  const at = image.indexOf("@");
  const rest = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const colon = rest.indexOf(":", rest.lastIndexOf("/") + 1);
  return colon < 0
    ? { name: rest, tag: undefined, digest }
    : { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
}

/**
 * Why the name (registry and repository path) or the digest of `image` breaks the reference
 * grammar, or undefined. Tags, and whether the image is pinned at all, are left to the caller.
 */
export function imageReferenceProblem(image: string): string | undefined {
  const { name, digest } = split(image);
  if (name.length > NAME_MAX_LENGTH) return `its name is longer than ${NAME_MAX_LENGTH} characters`;
  const components = name.split("/");
  const first = components[0]!;
  if (components.length > 1 && (/[.:]/.test(first) || first === "localhost" || /[A-Z]/.test(first))) {
    components.shift();
    const m = DOMAIN.exec(first);
    if (m === null) return `its registry "${first}" is not a host name, a host:port or [IPv6]`;
    const port = m[1] === undefined ? undefined : Number(m[1]);
    if (port !== undefined && (port < 1 || port > 65535)) return `its registry port ${m[1]} is not a port (1-65535)`;
  }
  for (const c of components) {
    if (c === "")
      return `its repository "${components.join("/")}" has an empty path component (two "/" or a trailing "/")`;
    if (!PATH_COMPONENT.test(c)) {
      if (PATH_COMPONENT.test(c.toLowerCase())) {
        return `its repository path "${components.join("/")}" must be lowercase ("${c}" -> "${c.toLowerCase()}")`;
      }
      return (
        `its repository path component "${c}" is not allowed: use lowercase letters and digits, ` +
        'separated by ".", "_", "__" or "-"'
      );
    }
  }
  if (digest !== undefined) {
    const d = DIGEST.exec(digest);
    if (d === null) return `its digest "${digest}" is not "<algorithm>:<hex>", e.g. "sha256:<64 hex digits>"`;
    const [, algorithm, hex] = d;
    if (algorithm === "sha256" && !/^[a-f0-9]{64}$/.test(hex!)) {
      return `its digest "${digest}" must have 64 lowercase hex digits after "sha256:"`;
    }
    if (algorithm === "sha512" && !/^[a-f0-9]{128}$/.test(hex!)) {
      return `its digest "${digest}" must have 128 lowercase hex digits after "sha512:"`;
    }
  }
  return undefined;
}
