// Public surface of the outputs.
export { Output, createOutput, createSender, type OutputDeps } from './output.js';
export { DROP_REASONS, type OutputStats, type DropReason } from './stats.js';
export type { Sender, SendOutcome } from './sender.js';
