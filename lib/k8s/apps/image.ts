/**
 * Container image references: every image of the lab is pinned to a tag or a
 * digest. `latest` or no tag at all means each node may run a different build,
 * and `imagePullPolicy: IfNotPresent` (the lab's default) would then never
 * pick up a new one: both are rejected at synth.
 */
import { describeValue } from "../../model/problems.js";
import { imageReferenceProblem } from "./image-reference.js";

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * Why `image` is not a pinned image reference, or undefined when it is one.
 * @param what names the prop in messages, e.g. `image` or `database.imageName`.
 */
export function imageProblem(image: string, what = "image"): string | undefined {
  if (typeof image !== "string" || image.trim() === "" || /\s/.test(image)) {
    return `${what} ${describeValue(image)} is not an image reference; write e.g. "ghcr.io/owner/app:1.2.3"`;
  }
  const grammar = imageReferenceProblem(image);
  if (grammar !== undefined && !grammar.startsWith("its digest")) {
    return `${what} "${image}" is not an image reference: ${grammar}`;
  }
  const at = image.indexOf("@");
  if (at >= 0) {
    const digest = image.slice(at + 1);
    if (grammar !== undefined) {
      return `${what} "${image}" has a malformed digest: ${grammar}; write "<name>@sha256:<64 hex digits>"`;
    }
    if (!DIGEST.test(digest))
      return `${what} "${image}" has a malformed digest "${digest}"; write "<name>@sha256:<64 hex digits>"`;
    return undefined;
  }
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  const repository = colon < 0 ? image : image.slice(0, colon);
  if (colon < 0) {
    return (
      `${what} "${image}" has no tag, which means "latest": pin a version (e.g. "${repository}:1.2.3") or a digest ` +
      `("${repository}@sha256:..."), so every node runs the same build and imagePullPolicy IfNotPresent stays correct`
    );
  }
  const tag = image.slice(colon + 1);
  if (tag === "latest") {
    return (
      `${what} "${image}" uses the tag "latest", which moves: pin a version (e.g. "${repository}:1.2.3") or a digest ` +
      `("${repository}@sha256:..."), so every node runs the same build and imagePullPolicy IfNotPresent stays correct`
    );
  }
  if (!TAG.test(tag))
    return `${what} "${image}" has an invalid tag "${tag}" (letters, digits, "_", "." and "-", at most 128)`;
  return undefined;
}
