import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { roomsConfig } from "./eslint.rooms.mjs";

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next*/**", "**/.next*/**", "lib/generated/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  // The import rules of CONTRIBUTING.md live in one place: eslint.rooms.mjs.
  roomsConfig,
];
export default config;
