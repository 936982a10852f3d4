/**
 * `graph` and the lab's page: a Mermaid picture of the lab ({@link labGraph}) and the
 * generated `dist/README.md` ({@link labPage}), both drawn from the model and the rendered
 * files through one sorted {@link labOverview}.
 *
 * Internal to the library (no entry point of package.json exports it): users run `cdk8s-homelab graph`,
 * and synth writes the page.
 *
 * @example
 * const rendered = render(lab);
 * process.stdout.write(labGraph({ homelab: rendered.homelab, files: rendered.files }));
 *
 * @module
 */
export { labGraph, mermaidLabel, overviewGraph } from "./mermaid.js";
export { labPage, markdownCell, overviewPage } from "./page.js";
export {
  labOverview,
  type LabOverview,
  type LabOverviewInput,
  type LabSecret,
  type OverviewAddress,
  type OverviewApp,
  type OverviewHost,
} from "./overview.js";
