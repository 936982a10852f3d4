/**
 * The names DNS and Kubernetes accept, each under the name of the rule it follows
 * (the rules of k8s.io/apimachinery's `validation.IsDNS1123Label` and friends).
 * Every check of a hostname, a domain, a namespace or an object name uses these.
 */

/** The shape of an RFC 1123 label, without its length limit. */
const RFC1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
/** The shape of an RFC 1035 label, without its length limit. */
const RFC1035_LABEL = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

/** The longest DNS label (RFC 1035, RFC 1123). */
export const DNS_LABEL_MAX_LENGTH = 63;
/** The longest DNS subdomain (RFC 1123). */
export const DNS_SUBDOMAIN_MAX_LENGTH = 253;

/**
 * An RFC 1123 label: lowercase letters, digits and `-`, starting and ending with a letter or a
 * digit, at most 63 characters. Hostnames, namespaces and the labels of a domain are such labels.
 * @param maxLength a lower or no limit (`Infinity`) for names that only borrow the shape
 */
export function isRfc1123Label(name: string, maxLength = DNS_LABEL_MAX_LENGTH): boolean {
  return name.length <= maxLength && RFC1123_LABEL.test(name);
}

/**
 * An RFC 1123 subdomain: RFC 1123 labels joined by `.`, at most 253 characters in all, e.g.
 * `home.example.com`. Most Kubernetes object names (Secrets, ConfigMaps, Deployments) are such subdomains.
 */
export function isRfc1123Subdomain(name: string): boolean {
  return name.length <= DNS_SUBDOMAIN_MAX_LENGTH && name.split(".").every((label) => isRfc1123Label(label));
}

/**
 * An RFC 1035 label: an RFC 1123 label that starts with a letter. Kubernetes wants one for a Service
 * name (it becomes a DNS name and an environment variable prefix).
 */
export function isRfc1035Label(name: string): boolean {
  return name.length <= DNS_LABEL_MAX_LENGTH && RFC1035_LABEL.test(name);
}
