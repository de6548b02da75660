export * from "./signatures";
export * from "./classifier";
export { fingerprint, normaliseMessage } from "./fingerprint";
export { cleanLine, type CleanLine, type LogLevel } from "./clean";
export { KEYWORDS, KEYWORD_SOURCE, matchLine } from "./rules";
export * from "./verdict";
export { lastErrorLine, unrecognisedFingerprint } from "./unrecognised";
export { randomDeviceVariant, type RandomDeviceVariant } from "./random-device";
