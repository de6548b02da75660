import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next*/**", "**/.next*/**", "lib/generated/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    // Dependency rules from CONTRIBUTING.md, enforced.
    files: ["lib/**/*.ts", "lib/**/*.tsx"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@/app/*", "@/components/*"], message: "lib/ never imports app/ or components/." }] }],
    },
  },
  {
    files: ["lib/domain/**/*.ts", "lib/charts/**/*.ts", "lib/queries/**/*.ts", "components/**/*.tsx", "components/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["@/lib/db", "@/lib/data/*", "@/lib/poller/*", "@/lib/runpod", "@/lib/runpod/*", "**/lib/runpod", "**/lib/runpod/*", "@/lib/env"], message: "pure and client code never imports server modules (lib/db, lib/data, lib/runpod, lib/env, lib/poller)." },
      ] }],
    },
  },
];
export default config;
