/**
 * `labGraph`: a Mermaid flowchart of the lab. Node ids are generated (`host0`, `lb1`, ...),
 * never taken from names, and every label is escaped, so any hostname or app name is safe.
 */
import { labOverview, type LabOverview, type LabOverviewInput } from "./overview.js";

/** Escapes text for a quoted Mermaid label (`["..."]`): quotes and markup become entity codes. */
export function mermaidLabel(text: string): string {
  return text.replace(/[#"<>&\n\r`]/g, (c) =>
    c === "\n" || c === "\r"
      ? " "
      : c === '"'
        ? "#quot;"
        : c === "<"
          ? "#lt;"
          : c === ">"
            ? "#gt;"
            : c === "&"
              ? "#amp;"
              : `#${c.charCodeAt(0)};`,
  );
}

/** A label of several lines. */
function lines(...parts: readonly string[]): string {
  return `"${parts
    .filter((p) => p !== "")
    .map(mermaidLabel)
    .join("<br/>")}"`;
}

/** The Mermaid flowchart source of an overview (see {@link labGraph}). */
export function overviewGraph(o: LabOverview): string {
  const out: string[] = ["flowchart LR"];
  const hostId = new Map(o.hosts.map((h, i) => [h.hostname, `host${i}`]));
  const layerId = new Map(o.layers.map((l, i) => [l.name, `layer${i}`]));

  out.push(`  subgraph lan[${lines(`LAN ${o.lan}`, `gateway ${o.gateway}`, `domain ${o.domain}`)}]`);
  out.push(`    direction TB`);
  out.push(`    subgraph hosts[${lines("Hosts")}]`);
  for (const h of o.hosts) {
    const k3s = h.k3s === "none" ? "" : `k3s ${h.k3s}${h.clusterInit ? " (cluster-init)" : ""}`;
    out.push(`      ${hostId.get(h.hostname)}[${lines(h.hostname, h.address, k3s, `roles: ${h.roles.join(", ")}`)}]`);
  }
  out.push("    end");
  out.push(`    subgraph pool[${lines(`MetalLB pool ${o.pool.join(", ")}`)}]`);
  o.addresses.forEach((a, i) => {
    const held = a.heldBy.length > 0 ? `held by ${a.heldBy.join(", ")}` : "not used yet";
    out.push(`      lb${i}[${lines(a.name === "" ? "(not reserved)" : a.name, a.address, held)}]`);
  });
  out.push("    end");
  out.push("  end");

  const init = o.hosts.find((h) => h.clusterInit);
  if (init !== undefined) {
    for (const h of o.hosts) {
      if (h === init || h.k3s === "none") continue;
      out.push(`  ${hostId.get(h.hostname)} -->|joins| ${hostId.get(init.hostname)}`);
    }
  }

  if (o.layers.length > 0) {
    out.push(`  subgraph flux[${lines("Flux layers")}]`);
    for (const l of o.layers) out.push(`    ${layerId.get(l.name)}[${lines(l.name, l.path)}]`);
    out.push("  end");
    for (const l of o.layers) {
      for (const dep of l.dependsOn) {
        const from = layerId.get(dep);
        if (from !== undefined) out.push(`  ${from} -->|then| ${layerId.get(l.name)}`);
      }
    }
  }

  if (o.apps.length > 0) {
    out.push(`  subgraph apps[${lines("Apps")}]`);
    o.apps.forEach((a, i) => out.push(`    app${i}[${lines(`${a.namespace}/${a.name}`, ...a.urls)}]`));
    out.push("  end");
    o.apps.forEach((a, i) => {
      const from = layerId.get(a.layer);
      if (from !== undefined) out.push(`  ${from} --> app${i}`);
    });
  }

  if (o.vpn !== undefined) {
    out.push(`  subgraph vpn[${lines(`VPN ${o.vpn.subnet}`)}]`);
    o.vpn.users.forEach((u, i) => out.push(`    vpn${i}[${lines(u.enabled ? u.name : `${u.name} (disabled)`)}]`));
    out.push("  end");
  }
  return `${out.join("\n")}\n`;
}

/**
 * A Mermaid flowchart of the lab: the hosts with their roles and k3s role (agents and servers
 * join the cluster-init server), the LAN and the MetalLB pool with every reservation, its
 * address and what holds it, the Flux layers in `dependsOn` order, each app with its URLs,
 * and the VPN users (names only).
 * @throws DocumentError naming a rendered file that is not YAML
 */
export function labGraph(input: LabOverviewInput): string {
  return overviewGraph(labOverview(input));
}
