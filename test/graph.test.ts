/**
 * labGraph and labPage on the seed-lab fixtures: the Mermaid parses (mermaid 12 in Node with a
 * JSDOM), and the picture and the page show every host, reservation, layer edge, app URL and
 * VPN user, and nothing secret.
 */
import { JSDOM } from "jsdom";
import { beforeAll, describe, expect, it } from "vitest";
import {
  labGraph,
  labOverview,
  labPage,
  markdownCell,
  mermaidLabel,
  overviewGraph,
  type LabOverview,
} from "../lib/graph/index.js";
import { render } from "../lib/synth/render.js";
import { nixlabKubernetes, nixlabSpec, renderNixlab, renderThinkcentre } from "./fixtures/diffgraph-labs.js";

type Mermaid = { parse(text: string): Promise<unknown> };
let mermaid: Mermaid;

beforeAll(async () => {
  const dom = new JSDOM("<!doctype html><body></body>");
  const g = globalThis as unknown as Record<string, unknown>;
  g.window = dom.window;
  g.document = dom.window.document;
  mermaid = (await import("mermaid")).default as unknown as Mermaid;
});

const nixlab = renderNixlab();
const secrets = [
  {
    namespace: "wireguard",
    name: "wg-phone",
    purpose: "WireGuard public key of VPN user phone",
    layerDir: "apps",
    provided: false,
  },
  {
    namespace: "pihole",
    name: "pihole-admin",
    purpose: "Pi-hole admin password | web",
    layerDir: "infrastructure/controllers",
    provided: false,
  },
  {
    namespace: "external-dns",
    name: "cloudflare-api-token",
    purpose: "Cloudflare token",
    layerDir: "infrastructure/controllers",
    provided: true,
  },
];

/** The node id whose label starts with `first` (labels are `id["first<br/>..."]`). */
function nodeId(graph: string, first: string): string {
  const m = new RegExp(`^\\s*(\\w+)\\["${first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:<br/>|")`, "m").exec(graph);
  expect(m, `a node labelled ${first}`).not.toBeNull();
  return m![1]!;
}

describe("labGraph", () => {
  it("is a flowchart Mermaid parses, for both seed labs", async () => {
    for (const r of [nixlab, renderThinkcentre()]) {
      const graph = labGraph({ homelab: r.homelab, files: r.files });
      expect(graph.startsWith("flowchart LR\n")).toBe(true);
      await expect(mermaid.parse(graph)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
    }
  });

  it("shows every host with its address and k3s role, agents joining the cluster-init server", () => {
    const graph = labGraph({ homelab: nixlab.homelab, files: nixlab.files });
    const ids = Object.fromEntries(nixlab.homelab.hosts.map((h) => [h.hostname, nodeId(graph, h.hostname)]));
    for (const h of nixlab.homelab.hosts) expect(graph).toContain(`${h.hostname}<br/>${h.address}<br/>`);
    expect(graph).toContain(
      "master<br/>192.168.1.10<br/>k3s server (cluster-init)<br/>roles: minimal-node, cluster-tools, k3s-server",
    );
    expect(graph).toContain(`${ids.worker1} -->|joins| ${ids.master}`);
    expect(graph).toContain(`${ids.worker2} -->|joins| ${ids.master}`);
    expect(graph).toContain('subgraph lan["LAN 192.168.1.0/24<br/>gateway 192.168.1.1');
    expect(graph).toContain('subgraph pool["MetalLB pool 192.168.1.192-192.168.1.255"]');
  });

  it("shows every reservation with its address and what holds it", () => {
    const graph = labGraph({ homelab: nixlab.homelab, files: nixlab.files });
    expect(graph).toContain("ingress<br/>192.168.1.193<br/>held by HelmRelease traefik/traefik");
    expect(graph).toContain("wireguard<br/>192.168.1.194<br/>held by Service wireguard/wireguard");
    expect(graph).toContain("pihole<br/>192.168.1.250<br/>held by HelmRelease pihole/pihole");
  });

  it("shows every Flux layer edge, every app with its URL, and VPN users by name only", () => {
    const graph = labGraph({ homelab: nixlab.homelab, files: nixlab.files });
    const controllers = nodeId(graph, "infra-controllers");
    const configs = nodeId(graph, "infra-configs");
    const storage = nodeId(graph, "infra-storage");
    const addons = nodeId(graph, "infra-addons");
    const apps = nodeId(graph, "apps");
    expect(graph).toContain(`${controllers} -->|then| ${configs}`);
    expect(graph).toContain(`${configs} -->|then| ${apps}`);
    expect(graph).toContain(`${storage} -->|then| ${apps}`);
    expect(graph).toContain(`${configs} -->|then| ${addons}`);
    expect(graph.match(/-->\|then\|/g)).toHaveLength(4);
    expect(graph).toContain('"nextcloud/nextcloud<br/>https://cloud.nixlab.example.org/"');
    expect(graph).toContain('"whoami/whoami<br/>https://whoami.nixlab.example.org/"');
    expect(graph).toContain(`${apps} --> ${nodeId(graph, "nextcloud/nextcloud")}`);
    // A chart's own Ingress (values.ingress) counts too, in the layer that applies the chart.
    expect(graph).toContain('"pihole/pihole<br/>https://pihole.nixlab.example.org/"');
    expect(graph).toContain(`${addons} --> ${nodeId(graph, "pihole/pihole")}`);
    expect(graph).toContain('subgraph vpn["VPN 10.0.100.0/24"]');
    expect(graph).toMatch(/vpn\d\["laptop"\]/);
    expect(graph).toMatch(/vpn\d\["phone"\]/);
    expect(graph).not.toContain("10.0.100.3");
    expect(graph).not.toContain("xTIBA5rbo");
  });

  it("stays valid Mermaid whatever the names: ids are generated, labels escaped", async () => {
    // Hostnames that are Mermaid keywords (valid DNS labels all of them).
    const spec = nixlabSpec() as any;
    spec.hosts = [
      { ...spec.hosts[0], hostname: "end" },
      { ...spec.hosts[1], hostname: "subgraph" },
      { ...spec.hosts[2], hostname: "graph" },
    ];
    const r = render({ spec, kubernetes: nixlabKubernetes() });
    await expect(mermaid.parse(labGraph({ homelab: r.homelab, files: r.files }))).resolves.toBeTruthy();

    const hostile = 'a "quoted" <b>tag</b> & #35; `tick` | pipe [x] (y) {z}\nnext';
    const o: LabOverview = {
      ...labOverview({ homelab: nixlab.homelab, files: nixlab.files }),
      domain: hostile,
      apps: [{ name: hostile, namespace: "end", urls: [hostile], layer: "apps" }],
    };
    const graph = overviewGraph(o);
    await expect(mermaid.parse(graph)).resolves.toBeTruthy();
    expect(graph).not.toContain('"quoted"');
    expect(mermaidLabel(hostile)).toBe(
      "a #quot;quoted#quot; #lt;b#gt;tag#lt;/b#gt; #amp; #35;35; #96;tick#96; | pipe [x] (y) {z} next",
    );
  });
});

describe("labPage", () => {
  const page = labPage({
    homelab: nixlab.homelab,
    files: nixlab.files,
    secrets,
    source: "test/fixtures/diffgraph-labs.ts",
  });

  it("says it is generated and embeds the picture", () => {
    expect(page.split("\n")[0]).toMatch(
      /^<!-- Generated by cdk8s-homelab from test\/fixtures\/diffgraph-labs.ts \(lab "nixlab"\)\. Do not edit/,
    );
    const graph = labGraph({ homelab: nixlab.homelab, files: nixlab.files });
    expect(page).toContain(`\`\`\`mermaid\n${graph}\`\`\`\n`);
  });

  it("has a table of hosts with address, roles, k3s role and open ports", () => {
    expect(page).toContain("| Host | Address | Roles | k3s | Open ports |");
    expect(page).toContain(
      "| master | 192.168.1.10 | minimal-node, cluster-tools, k3s-server | server (cluster-init) | " +
        "TCP 22, 6443, 7946, 9100, 10250; UDP 7946, 8472 |",
    );
    expect(page).toContain("| worker2 | 192.168.1.12 | minimal-node, k3s-agent | agent |");
  });

  it("lists every app's URL, every load-balancer address and what holds it, and the layers", () => {
    expect(page).toContain("| nextcloud | nextcloud | https://cloud.nixlab.example.org/ | apps |");
    expect(page).toContain("| whoami | whoami | https://whoami.nixlab.example.org/ | apps |");
    expect(page).toContain("| pihole | pihole | https://pihole.nixlab.example.org/ | infra-addons |");
    expect(page).toContain("| 192.168.1.193 | ingress | HelmRelease traefik/traefik |");
    expect(page).toContain("| 192.168.1.194 | wireguard | Service wireguard/wireguard |");
    expect(page).toContain("| 192.168.1.250 | pihole | HelmRelease pihole/pihole |");
    expect(page).toContain("| infra-configs | dist/infrastructure/configs | infra-controllers | yes |");
  });

  it("lists VPN users with public data only, and only the Secrets still missing", () => {
    expect(page).toContain("| laptop | 10.0.100.3 | yes |");
    expect(page).toContain("| phone | 10.0.100.2 | yes |");
    expect(page).not.toContain("xTIBA5rbo");
    const secretsPart = page.slice(page.indexOf("## Secrets still needed"));
    expect(secretsPart).toContain(
      "| pihole-admin | pihole | Pi-hole admin password \\| web | dist/infrastructure/controllers/ |",
    );
    expect(secretsPart).toContain("| wg-phone | wireguard |");
    expect(secretsPart).not.toContain("cloudflare-api-token");
  });

  it("is deterministic and independent of declaration order", () => {
    const spec = nixlabSpec() as any;
    spec.hosts.reverse();
    spec.vpn.users.reverse();
    const reordered = render({ spec, source: "test/fixtures/diffgraph-labs.ts", kubernetes: nixlabKubernetes() });
    const again = labPage({
      homelab: reordered.homelab,
      files: reordered.files,
      secrets: [...secrets].reverse(),
      source: "test/fixtures/diffgraph-labs.ts",
    });
    expect(again).toBe(page);
  });

  it("escapes Markdown table cells", () => {
    expect(markdownCell("a|b")).toBe("a\\|b");
    expect(markdownCell("x\ny")).toBe("x y");
    expect(markdownCell("*b* _i_ `c` <t> [l]")).toBe("\\*b\\* \\_i\\_ \\`c\\` \\<t\\> \\[l\\]");
    expect(markdownCell("")).toBe(" ");
  });
});
