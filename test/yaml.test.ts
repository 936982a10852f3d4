/**
 * The YAML emitter: exact output for representative manifests, every YAML 1.1 /
 * 1.2 special form kept a string, property tests with hostile strings (parsed
 * back with `yaml` as YAML 1.1 and 1.2, and every plain scalar checked against
 * go-yaml's and the YAML 1.1 spec's resolvers), and errors naming the path.
 * The speed comparison with `yaml`'s stringify is a benchmark: `npm run bench:yaml`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, stringify, visit, type Document } from "yaml";
import { emitYaml, emitYamlDocuments, YamlEmitError } from "../lib/yaml/index.js";

// ---------------------------------------------------------------------------
// Oracles
// ---------------------------------------------------------------------------

/**
 * What go-yaml v2 (sigs.k8s.io/yaml, i.e. Kubernetes) resolves an untagged
 * plain scalar to, ported from its resolve.go: "str" or something else.
 * Conservative where Go's strconv is hard to mirror exactly (it may say "int"
 * for a number Go would reject as out of range).
 */
function goYamlResolve(s: string): string {
  const GO_MAP: Record<string, string> = {};
  for (const w of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) GO_MAP[w] = "bool";
  for (const w of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) GO_MAP[w] = "bool";
  for (const w of ["", "~", "null", "Null", "NULL"]) GO_MAP[w] = "null";
  for (const w of [
    ".nan",
    ".NaN",
    ".NAN",
    ".inf",
    ".Inf",
    ".INF",
    "+.inf",
    "+.Inf",
    "+.INF",
    "-.inf",
    "-.Inf",
    "-.INF",
  ])
    GO_MAP[w] = "float";
  GO_MAP["<<"] = "merge";
  const c = s[0] ?? "";
  const hint =
    s === ""
      ? "N"
      : /[+-]/.test(c)
        ? "S"
        : /[0-9]/.test(c)
          ? "D"
          : c === "."
            ? "."
            : /[yYnNtTfFoO~<]/.test(c)
              ? "M"
              : "";
  if (hint === "") return "str";
  if (Object.hasOwn(GO_MAP, s)) return GO_MAP[s]!;
  // strconv.ParseFloat (decimal, hex, inf/nan words; underscores taken as allowed).
  const goFloat = (t: string) =>
    /^[+-]?(?:(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?|0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)(?:[pP][+-]?[0-9_]+)?|inf|infinity|nan)$/i.test(
      t,
    ) && /[0-9]|inf|nan/i.test(t);
  if (hint === ".") return goFloat(s) ? "float" : "str";
  if (hint === "D" || hint === "S") {
    if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/.test(s)) return "timestamp";
    const plain = s.replaceAll("_", "");
    // strconv.ParseInt / ParseUint with base 0.
    if (/^[+-]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(plain)) return "int";
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return "float";
    if (/^-?0b[01]+$/.test(plain)) return "int";
  }
  return "str";
}

/** The YAML 1.1 type repository's regexes (yaml.org/type), as written there: true when `s` is not a string to a YAML 1.1 reader. */
function yaml11SpecTyped(s: string): boolean {
  const res = [
    /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    /^(?:~|null|Null|NULL|)$/,
    /^[-+]?0b[0-1_]+$/,
    /^[-+]?0[0-7_]+$/,
    /^[-+]?(?:0|[1-9][0-9_]*)$/,
    /^[-+]?0x[0-9a-fA-F_]+$/,
    /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/,
    /^[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+][0-9]+)?$/,
    /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
    /^[-+]?\.(?:inf|Inf|INF)$/,
    /^\.(?:nan|NaN|NAN)$/,
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)?$/,
    /^<<$/,
    /^=$/,
  ];
  return res.some((re) => re.test(s));
}

/** YAML 1.2 core schema: true when `s` is not a string. */
function yaml12CoreTyped(s: string): boolean {
  return [
    /^(?:null|Null|NULL|~|)$/,
    /^(?:true|True|TRUE|false|False|FALSE)$/,
    /^[-+]?[0-9]+$/,
    /^0o[0-7]+$/,
    /^0x[0-9a-fA-F]+$/,
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
    /^[-+]?\.(?:inf|Inf|INF)$/,
    /^\.(?:nan|NaN|NAN)$/,
  ].some((re) => re.test(s));
}

/** Parses with `yaml` as YAML 1.1 and as YAML 1.2 (core), failing on any error or warning. */
function parseBoth(text: string): { v11: unknown[]; v12: unknown[]; docs: Document[] } {
  const out = { v11: [] as unknown[], v12: [] as unknown[], docs: [] as Document[] };
  for (const version of ["1.1", "1.2"] as const) {
    const docs = parseAllDocuments(text, { version, strict: true, uniqueKeys: true });
    if (!Array.isArray(docs)) throw new Error(`empty stream: ${JSON.stringify(text)}`);
    for (const doc of docs) {
      const problems = [...doc.errors, ...doc.warnings];
      if (problems.length > 0)
        throw new Error(`YAML ${version}: ${problems.map((p) => p.message).join("; ")}\n${text}`);
      (version === "1.1" ? out.v11 : out.v12).push(doc.toJS({ maxAliasCount: -1 }));
      if (version === "1.2") out.docs.push(doc);
    }
  }
  return out;
}

/** Every plain scalar in `text` (keys and values) is typed the same by go-yaml, the YAML 1.1 spec and YAML 1.2 core as by `yaml`. */
function checkPlainScalars(text: string): void {
  for (const doc of parseAllDocuments(text)) {
    if (!("contents" in doc)) continue;
    visit(doc, {
      Scalar(_key, node) {
        if (node.type !== "PLAIN") return;
        const src = node.source;
        if (src === undefined) throw new Error("yaml did not keep the source of a plain scalar");
        if (typeof node.value === "string") {
          expect(goYamlResolve(src), `go-yaml reads plain ${JSON.stringify(src)} as`).toBe("str");
          expect(yaml11SpecTyped(src), `YAML 1.1 types plain ${JSON.stringify(src)}`).toBe(false);
          expect(yaml12CoreTyped(src), `YAML 1.2 types plain ${JSON.stringify(src)}`).toBe(false);
        } else {
          expect(goYamlResolve(src), `go-yaml reads plain ${JSON.stringify(src)} as a string`).not.toBe("str");
        }
      },
    });
  }
}

/** Emits, parses back as YAML 1.1 and 1.2, and compares; returns the text. */
function roundTrip(value: unknown): string {
  const text = emitYaml(value);
  const { v11, v12 } = parseBoth(text);
  expect(v11).toEqual([value]);
  expect(v12).toEqual([value]);
  expect(text.endsWith("\n")).toBe(true);
  expect(text.endsWith("\n\n")).toBe(false);
  checkPlainScalars(text);
  return text;
}

// ---------------------------------------------------------------------------
// Exact output
// ---------------------------------------------------------------------------

const labels = { "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "homelab" };

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "apps",
    labels,
    annotations: { "cdk8s-homelab/config-sha256": "3d4bba2543ba2c49aafd8b85aa13438538fb0fec0e4bd2000c2debe88c46c4c2" },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: "web",
            image: "ghcr.io/example/web:1.4.2@sha256:0123abcd",
            args: ["serve", "8080", "--config=/etc/web/config.yaml"],
            env: [
              { name: "TZ", value: "Europe/Berlin" },
              { name: "DEBUG", value: "false" },
              { name: "ENABLED", value: "on" },
              { name: "GREETING", value: "hello: world # not a comment" },
              { name: "SCHEDULE", value: "0 3 * * *" },
              { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
            ],
            ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }],
            livenessProbe: { httpGet: { path: "/healthz", port: "http" }, initialDelaySeconds: 10, periodSeconds: 5 },
            readinessProbe: { exec: { command: ["sh", "-c", "test -f /tmp/ready"] }, failureThreshold: 3 },
            resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: 0.1, memory: "128Mi" } },
            securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          },
        ],
        volumes: [{ name: "tmp", emptyDir: {} }],
        tolerations: [],
      },
    },
  },
};

const DEPLOYMENT_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/part-of: homelab
  annotations:
    cdk8s-homelab/config-sha256: 3d4bba2543ba2c49aafd8b85aa13438538fb0fec0e4bd2000c2debe88c46c4c2
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
      app.kubernetes.io/part-of: homelab
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/part-of: homelab
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.4.2@sha256:0123abcd
          args:
            - serve
            - "8080"
            - "--config=/etc/web/config.yaml"
          env:
            - name: TZ
              value: Europe/Berlin
            - name: DEBUG
              value: "false"
            - name: ENABLED
              value: "on"
            - name: GREETING
              value: "hello: world # not a comment"
            - name: SCHEDULE
              value: 0 3 * * *
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
          ports:
            - containerPort: 8080
              name: http
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 10
            periodSeconds: 5
          readinessProbe:
            exec:
              command:
                - sh
                - "-c"
                - test -f /tmp/ready
            failureThreshold: 3
          resources:
            limits:
              cpu: 500m
              memory: 256Mi
            requests:
              cpu: 0.1
              memory: 128Mi
          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            capabilities:
              drop:
                - ALL
      volumes:
        - name: tmp
          emptyDir: {}
      tolerations: []
`;

const configMap = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "nginx-conf", namespace: "apps" },
  data: {
    "nginx.conf": "server {\n  listen 80;\n  # comment: yes\n\n  location / {\n    return 200 'ok';\n  }\n}\n",
    motd: "welcome\n\n",
    "script.sh": '#!/bin/sh\nset -eu\necho "tab:\there"\nexit 0',
    "empty.txt": "",
    "one-line": "no newline",
    indented: "  starts with spaces\nsecond line\n",
    crlf: "a\r\nb\r\n",
    "tab-start": "\tindented with a tab\nsecond\n",
    last: "ends with blank lines\n\n\n",
  },
};

const CONFIGMAP_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-conf
  namespace: apps
data:
  nginx.conf: |
    server {
      listen 80;
      # comment: yes

      location / {
        return 200 'ok';
      }
    }
  motd: |+
    welcome

  script.sh: |-
    #!/bin/sh
    set -eu
    echo "tab:\there"
    exit 0
  empty.txt: ""
  one-line: no newline
  indented: "  starts with spaces\\nsecond line\\n"
  crlf: "a\\r\\nb\\r\\n"
  tab-start: "\\tindented with a tab\\nsecond\\n"
  last: "ends with blank lines\\n\\n\\n"
`;

const helmRelease = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "traefik", namespace: "traefik" },
  spec: {
    interval: "1h",
    chart: {
      spec: {
        chart: "traefik",
        version: "41.3.0",
        sourceRef: { kind: "HelmRepository", name: "traefik", namespace: "flux-system" },
      },
    },
    values: {
      deployment: { replicas: 2, podAnnotations: {} },
      ports: { web: { port: 8000, exposedPort: 80, redirectTo: { port: "websecure" } }, "80": "http", on: "yes" },
      service: {
        annotations: {
          "metallb.io/loadBalancerIPs": "192.168.1.202",
          "metallb.io/address-pool": "192.168.1.200-192.168.1.220",
        },
        spec: { externalTrafficPolicy: "Local" },
      },
      additionalArguments: ["--log.level=INFO", "--providers.kubernetesingress.ingressclass=traefik"],
      matrix: [[1, 2], [], [{ a: null, b: [true, false] }], [[]]],
      // biome-ignore lint/correctness/noPrecisionLoss: a number past 2^53 is part of what the emitter must round-trip
      ratios: [0.5, 1e21, 5e-7, -1.5e-300, 12345678901234567890],
      resources: null,
      tolerations: [],
      nodeSelector: {},
      dropped: undefined,
    },
  },
};

const HELMRELEASE_YAML = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: traefik
  namespace: traefik
spec:
  interval: 1h
  chart:
    spec:
      chart: traefik
      version: "41.3.0"
      sourceRef:
        kind: HelmRepository
        name: traefik
        namespace: flux-system
  values:
    deployment:
      replicas: 2
      podAnnotations: {}
    ports:
      "80": http
      web:
        port: 8000
        exposedPort: 80
        redirectTo:
          port: websecure
      "on": "yes"
    service:
      annotations:
        metallb.io/loadBalancerIPs: "192.168.1.202"
        metallb.io/address-pool: 192.168.1.200-192.168.1.220
      spec:
        externalTrafficPolicy: Local
    additionalArguments:
      - "--log.level=INFO"
      - "--providers.kubernetesingress.ingressclass=traefik"
    matrix:
      - - 1
        - 2
      - []
      - - a: null
          b:
            - true
            - false
      - - []
    ratios:
      - 0.5
      - 1.0e+21
      - 5.0e-7
      - -1.5e-300
      - 12345678901234567000
    resources: null
    tolerations: []
    nodeSelector: {}
`;

describe("emitYaml: exact output", () => {
  it("writes a Deployment with env, probes and resources", () => {
    expect(emitYaml(deployment)).toBe(DEPLOYMENT_YAML);
    roundTrip(deployment);
  });

  it("writes a ConfigMap's files as block literals with the right chomping, quoting what a literal cannot hold", () => {
    expect(emitYaml(configMap)).toBe(CONFIGMAP_YAML);
    roundTrip(configMap);
  });

  it("writes a HelmRelease with nested values, sequences of sequences, numbers and empty collections", () => {
    expect(emitYaml(helmRelease)).toBe(HELMRELEASE_YAML);
    const { dropped: _, ...values } = helmRelease.spec.values;
    const { v11, v12 } = parseBoth(emitYaml(helmRelease));
    const expected = { ...helmRelease, spec: { ...helmRelease.spec, values } };
    expect(v11).toEqual([expected]);
    expect(v12).toEqual([expected]);
  });

  it("lays documents out like yaml's stringify (lineWidth 0, indent 2) where no quoting rule differs", () => {
    const opts = { lineWidth: 0, indent: 2, aliasDuplicateObjects: false } as const;
    const { tolerations: _t, ...rest } = helmRelease.spec.values;
    const same = [
      {
        ...deployment,
        spec: {
          ...deployment.spec,
          template: { ...deployment.spec.template, spec: { volumes: [], tolerations: [{ key: "a" }] } },
        },
      },
      {
        ...configMap,
        data: { "nginx.conf": configMap.data["nginx.conf"], motd: configMap.data.motd, one: "two", "": "" },
      },
      { values: { ...rest, ports: {}, service: {}, additionalArguments: [], version: undefined, ratios: [0.5, -2] } },
      [{ a: [[{ b: 1 }]] }, "x\ny", ["c\nd\n"], {}],
    ];
    for (const doc of same) expect(emitYaml(doc)).toBe(stringify(doc, opts));
  });

  it("writes empty collections, top-level scalars and sequences", () => {
    expect(emitYaml({})).toBe("{}\n");
    expect(emitYaml([])).toBe("[]\n");
    expect(emitYaml({ a: {}, b: [], c: { d: undefined } })).toBe("a: {}\nb: []\nc: {}\n");
    expect(emitYaml([{}, [], [[]], [{}]])).toBe("- {}\n- []\n- - []\n- - {}\n");
    expect(emitYaml(null)).toBe("null\n");
    expect(emitYaml("x")).toBe("x\n");
    expect(emitYaml("80")).toBe('"80"\n');
    expect(emitYaml(42)).toBe("42\n");
    expect(emitYaml(true)).toBe("true\n");
    expect(emitYaml("a\nb")).toBe("|-\n  a\n  b\n");
    expect(emitYaml(["a", 1, null, [undefined]])).toBe("- a\n- 1\n- null\n- - null\n");
  });

  it("quotes keys that are not plain-safe and keeps the usual ones plain", () => {
    const text = emitYaml({
      "app.kubernetes.io/name": 1,
      "80": 2,
      on: 3,
      "a b": 4,
      "": 5,
      "a\nb": 6,
      "-x": 7,
      "k:": 8,
      "x: y": 9,
    });
    expect(text).toBe(
      '"80": 2\napp.kubernetes.io/name: 1\n"on": 3\na b: 4\n"": 5\n"a\\nb": 6\n"-x": 7\n"k:": 8\n"x: y": 9\n',
    );
  });

  it("writes keys longer than an implicit key may be as explicit `? key`", () => {
    const long = "k".repeat(1500);
    const value = { [long]: { a: 1 }, [`${long}2`]: [1], [`${long}3`]: "v", short: "s" };
    const text = roundTrip(value);
    expect(text).toBe(`? ${long}\n:\n  a: 1\n? ${long}2\n:\n  - 1\n? ${long}3\n: v\nshort: s\n`);
  });

  it("joins documents with ---", () => {
    const text = emitYamlDocuments([{ a: 1 }, [1], "s", { b: "x\n\n" }]);
    expect(text).toBe('a: 1\n---\n- 1\n---\ns\n---\nb: "x\\n\\n"\n');
    expect(parseAllDocuments(text).map((d) => (d as Document).toJS())).toEqual([{ a: 1 }, [1], "s", { b: "x\n\n" }]);
    expect(emitYamlDocuments([])).toBe("");
  });

  it("writes numbers so YAML 1.1 and 1.2 read the same double", () => {
    const nums = [
      0,
      -0,
      1,
      -1,
      0.1,
      -0.5,
      1e21,
      1e-7,
      -1e-7,
      5e-324,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      2 ** 53 + 2,
      1e20,
      123.456e10,
      2 ** 64,
      2 ** 63 + 4096,
    ];
    const text = roundTrip(nums);
    expect(text).toContain("- -0.0\n");
    expect(text).toContain("- 1.0e+21\n");
    expect(text).toContain("- 1.0e-7\n");
    expect(text).toContain("- 5.0e-324\n");
    expect(text).toContain("- 1.7976931348623157e+308\n");
  });
});

// ---------------------------------------------------------------------------
// Dangerous strings
// ---------------------------------------------------------------------------

const BOOLS_11 = [
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
];
const NULLS = ["null", "Null", "NULL", "~", ""];
const INTS = [
  "0",
  "1",
  "-1",
  "+1",
  "017",
  "-017",
  "0o17",
  "0O17",
  "0x1F",
  "0X1F",
  "-0x1F",
  "0b101",
  "0B101",
  "-0b101",
  "1_000",
  "+1_000",
  "0_x1F",
  "1,000",
  "1:20",
  "-1:20",
  "190:20:30",
  "9223372036854775808",
  "18446744073709551616",
  "00",
];
const FLOATS = [
  "1.5",
  "-1.5",
  "+1.5",
  "1.",
  ".5",
  "-.5",
  "1e3",
  "1E3",
  "1e+3",
  "1.0e+3",
  "1.5E-3",
  "1_000.5",
  "190:20:30.15",
  "1.2.3",
  "10.0.0.1",
  ".",
  "..",
  "...",
  "._",
  "e3",
  "E+3",
  "e_3",
  ".e3",
  "6.8523015e+5",
  "685.230_15e+03",
  "685_230.15",
];
const SPECIAL_FLOATS = [
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "-.inf",
  "-.Inf",
  "-.INF",
  ".nan",
  ".NaN",
  ".NAN",
  ".iNf",
  "inf",
  "nan",
  "NaN",
  "Infinity",
  "-Infinity",
];
const TIMESTAMPS = [
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14T21:59:43.10Z",
  "2001-12-14 21:59:43.10 -5",
  "2001-12-15 2:59:43.10",
  "2002-1-1",
  "2001-12-14x",
];
const INDICATORS = [
  "-",
  "- a",
  "-a",
  "--x",
  "---",
  "--- a",
  "?",
  "? a",
  "?a",
  ":",
  ": a",
  ":a",
  ",",
  "[",
  "]",
  "[a]",
  "{",
  "}",
  "{a: 1}",
  "#",
  "# a",
  "&a",
  "*a",
  "!a",
  "!!str",
  "|",
  "|-",
  ">",
  ">-",
  "'a'",
  '"a"',
  "%YAML",
  "@a",
  "`a`",
];
const MISC = [
  "=",
  "<<",
  "a: b",
  "a:",
  "a #b",
  "a# b",
  "a:b",
  " a",
  "a ",
  "  ",
  "\t",
  "a\tb",
  "a\\b",
  "é",
  "日本語",
  "😀",
  "\u00A0",
  "a\u00A0",
  "\uFEFFa",
  "a\uFEFF",
  "\u2028",
  "a\u2029b",
  "\u0085",
  "a\u0085b",
  "\u007F",
  "\u0000",
  "\u001B[0m",
  "\uFFFE",
  "\ud800",
  "a\udc00b",
  "\ud83d\ude00",
  "\r",
  "\n",
  "\n\n",
  "a\n",
  "a\r\nb",
  "\na",
  " \na",
  "\n a",
  "a\n\tb",
  "a\n \n",
  "a\n\n",
  "a\n\n\n",
  "--- \n...\n",
  "...\n---",
  "a\n---\nb\n",
  "a\n...\nb",
  "#!/bin/sh\necho hi\n",
  "'\"\\",
  "\\n",
  "$(POD_IP)",
  "${HOME}",
  "key=value",
  "a,b",
  "a[0]",
  "a{b}",
  "(x)",
  "/",
  "//",
  "C:\\x",
  "http://example.com/?a=b&c=d#frag",
  "1Gi",
  "500m",
  "3d4bba2543",
  "1e",
  "e",
  "e3a",
  "ee3",
  "1h30m",
  "v1.2.3",
  "1.2.3-rc1",
  "192.168.1.200-192.168.1.220",
  "10.0.0.0/8",
  "\u3000a\u3000",
  "a\u3000#b",
  "\u2003",
  "\u200B",
  "a\u200B",
  "\u{1D518}",
  "\u{10FFFF}",
  "e\u0301",
  "\u0300x",
];

const DANGEROUS = [...BOOLS_11, ...NULLS, ...INTS, ...FLOATS, ...SPECIAL_FLOATS, ...TIMESTAMPS, ...INDICATORS, ...MISC];

describe("emitYaml: dangerous strings stay strings", () => {
  it.each(DANGEROUS.map((s) => [JSON.stringify(s), s]))("%s as value, key, item and document", (_name, s) => {
    roundTrip(s);
    roundTrip({ key: s });
    roundTrip({ [s]: "value" });
    roundTrip({ [s]: s, nested: { [s]: [s, { [s]: s }] } });
    roundTrip([s, [s]]);
  });

  it("quotes every YAML 1.1 boolean, null, number and timestamp form, and the indicators", () => {
    for (const s of [
      ...BOOLS_11,
      ...NULLS,
      ...INTS,
      ...FLOATS,
      ...SPECIAL_FLOATS.slice(0, 11),
      ...TIMESTAMPS.slice(0, 6),
      ...INDICATORS,
      "=",
      "<<",
    ]) {
      expect(emitYaml({ k: s }), JSON.stringify(s)).toMatch(/^k: "/);
    }
  });

  it("keeps common Kubernetes strings plain", () => {
    for (const s of [
      "app.kubernetes.io/name",
      "ghcr.io/a/b:1.2.3",
      "1Gi",
      "500m",
      "10.0.0.0/8",
      "Europe/Berlin",
      "$(POD_IP)",
      "0 3 * * *",
      "inf",
      "NaN",
      "v1.2.3",
      "a:b",
      "a#b",
      "C:\\x",
      "é",
      "😀",
      "日本語",
      "1h30m",
      "1e",
      "e3a",
    ]) {
      expect(emitYaml({ k: s }), JSON.stringify(s)).toBe(`k: ${s}\n`);
    }
  });

  it("escapes what YAML 1.1 must not see raw inside double quotes", () => {
    expect(emitYaml("\u0085\u2028\u2029\uFEFF\u007F\u009F\uFFFE\uFFFF")).toBe(
      '"\\u0085\\u2028\\u2029\\uFEFF\\u007F\\u009F\\uFFFE\\uFFFF"\n',
    );
    expect(emitYaml("a\ud800")).toBe('"a\\ud800"\n');
    expect(emitYaml("\u0000\u0007\u001b")).toBe('"\\u0000\\u0007\\u001b"\n');
    // Nothing outside printable ASCII, \n and the allowed non-ASCII is ever written raw.
    for (const s of MISC) {
      // eslint-disable-next-line no-control-regex
      expect(emitYaml({ [s]: [s] })).not.toMatch(
        /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
      );
    }
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const UNITS = [
  ...BOOLS_11,
  "null",
  "Null",
  "~",
  "0",
  "1",
  "7",
  "07",
  "0x1F",
  "0o17",
  "0b1",
  "_",
  "1_0",
  ":",
  "1:20",
  ".",
  "..",
  "e",
  "E",
  "e3",
  "+",
  "-",
  ".inf",
  ".NaN",
  "2001-12-14",
  "t",
  "T",
  "Z",
  " ",
  ": ",
  " #",
  "#",
  "\n",
  "\r",
  "\t",
  "'",
  '"',
  "\\",
  "|",
  ">",
  "&",
  "*",
  "!",
  "%",
  "@",
  "`",
  "?",
  ",",
  "[",
  "]",
  "{",
  "}",
  "<<",
  "=",
  "---",
  "...",
  "a",
  "b",
  "x",
  "/",
  "$",
  "(",
  "é",
  "日",
  "😀",
  "\u2028",
  "\u2029",
  "\u0085",
  "\uFEFF",
  "\u00A0",
  "\u007F",
  "\u0000",
  "\u001B",
  "\uFFFE",
  "\ud800",
  "\udc00",
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(...DANGEROUS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  // Multi-line text, to exercise block literals: lines of hostile units and plain words.
  {
    weight: 2,
    arbitrary: fc
      .array(fc.string({ unit: fc.constantFrom(...UNITS, "word", "  ", "key: value", "- item"), maxLength: 4 }), {
        minLength: 2,
        maxLength: 5,
      })
      .map((lines) => lines.join("\n")),
  },
);

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    hostileString,
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(hostileString, tie("value"), { maxKeys: 4, noNullPrototype: true }),
}));

/** Override with YAML_PROPERTY_SEED=<int> to explore other values. */
const SEED = process.env.YAML_PROPERTY_SEED !== undefined ? Number(process.env.YAML_PROPERTY_SEED) : 20240601;

describe("emitYaml: properties", () => {
  it("random JSON values with hostile strings and keys parse back equal as YAML 1.1 and 1.2", () => {
    fc.assert(
      fc.property(jsonValue.value, (value) => {
        roundTrip(value);
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  it("random strings parse back equal wherever they appear", () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        roundTrip({ [s]: s, list: [s, { [s]: [s] }] });
        roundTrip(s);
      }),
      { numRuns: 5000, seed: SEED + 1 },
    );
  });

  it("multi-document streams parse back equal, and emitting is deterministic", () => {
    fc.assert(
      fc.property(fc.array(jsonValue.object, { minLength: 1, maxLength: 4 }), (docs) => {
        const text = emitYamlDocuments(docs);
        expect(emitYamlDocuments(structuredClone(docs))).toBe(text);
        expect(text).toBe(docs.map((d) => emitYaml(d)).join("---\n"));
        const { v11, v12 } = parseBoth(text);
        expect(v11).toEqual(docs);
        expect(v12).toEqual(docs);
      }),
      { numRuns: 1000, seed: SEED + 2 },
    );
  });
});

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

describe("emitYaml: unsupported values", () => {
  class Thing {
    x = 1;
  }
  const cases: [string, unknown, RegExp][] = [
    [
      "a function",
      { spec: { containers: [{ env: [{}, { value: function getValue() {} }] }] } },
      /^cannot write YAML at \$\.spec\.containers\[0\]\.env\[1\]\.value: unsupported value \(function getValue\)/,
    ],
    [
      "a symbol",
      { metadata: { labels: { "app.kubernetes.io/name": Symbol("x") } } },
      /at \$\.metadata\.labels\["app\.kubernetes\.io\/name"\]: unsupported value \(Symbol\(x\)\)/,
    ],
    ["a bigint", { a: [1n] }, /at \$\.a\[0\]: unsupported value \(bigint 1n\)/],
    ["NaN", { spec: { replicas: NaN } }, /at \$\.spec\.replicas: non-finite number NaN/],
    ["Infinity", [[-Infinity]], /at \$\[0\]\[0\]: non-finite number -Infinity/],
    ["a Date", { at: new Date(0) }, /at \$\.at: unsupported value \(instance of Date\)/],
    ["a Map", { m: new Map() }, /at \$\.m: unsupported value \(instance of Map\)/],
    ["a class instance", { t: new Thing() }, /at \$\.t: unsupported value \(instance of Thing\)/],
    ["undefined", undefined, /^cannot write YAML at \$: undefined document/],
  ];
  it.each(cases)("throws for %s, naming the path", (_name, value, message) => {
    expect(() => emitYaml(value)).toThrow(YamlEmitError);
    expect(() => emitYaml(value)).toThrow(message);
  });

  it("throws for cycles, naming both ends", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.spec = { items: [{ self: a }] };
    expect(() => emitYaml(a)).toThrow(
      "cannot write YAML at $.spec.items[0].self: circular reference (refers back to $)",
    );
    const list: unknown[] = [1];
    list.push({ back: list });
    expect(() => emitYaml({ x: list })).toThrow(
      "cannot write YAML at $.x[1].back: circular reference (refers back to $.x)",
    );
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { a: 1 };
    expect(emitYaml({ x: shared, z: [shared] })).toBe("x:\n  a: 1\nz:\n  - a: 1\n");
  });

  it("names the document in emitYamlDocuments", () => {
    const docs = [
      { kind: "A" },
      { kind: "Deployment", metadata: { name: "web", namespace: "apps" }, spec: { replicas: () => 1 } },
    ];
    expect(() => emitYamlDocuments(docs)).toThrow(
      /^cannot write YAML at documents\[1\] \(Deployment apps\/web\): \$\.spec\.replicas: unsupported value \(function replicas\)/,
    );
  });
});
