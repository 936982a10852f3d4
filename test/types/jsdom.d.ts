/** The part of jsdom's API the Mermaid tests use (jsdom ships no types; @types/jsdom is not a dependency). */
declare module "jsdom" {
  export class JSDOM {
    constructor(html?: string);
    readonly window: { readonly document: unknown } & Record<string, unknown>;
  }
}
