export * from "./signatures";
export * from "./classifier";
export { fingerprint } from "./fingerprint";
export * from "./verdict";
export { lastErrorLine, unrecognisedFingerprint } from "./unrecognised";
export { randomDeviceVariant, type RandomDeviceVariant } from "./random-device";
