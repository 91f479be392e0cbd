// Every output type, one entry each. Adding an output: a module with its config interface and
// OutputDefinition, then one line here and one member of OutputConfig.
import type { OutputDefinition } from './definition.js';
import { influxV1Output, type InfluxV1Output } from './influx-v1.js';
import { influxV2Output, type InfluxV2Output } from './influx-v2.js';
import { fileOutput, stdoutOutput, type FileOutput, type StdoutOutput } from './stream-senders.js';

export type { FileOutput, InfluxV1Output, InfluxV2Output, StdoutOutput };
export type OutputConfig = InfluxV2Output | InfluxV1Output | StdoutOutput | FileOutput;
export type OutputType = OutputConfig['type'];

export const OUTPUT_DEFINITIONS: { readonly [T in OutputType]: OutputDefinition<Extract<OutputConfig, { type: T }>> } = {
  influxdb_v2: influxV2Output,
  influxdb_v1: influxV1Output,
  stdout: stdoutOutput,
  file: fileOutput,
};

export const OUTPUT_TYPES = Object.keys(OUTPUT_DEFINITIONS) as OutputType[];

/** The definition of `cfg`'s type, typed for `cfg`. */
export function definitionOf<C extends OutputConfig>(cfg: C): OutputDefinition<C> {
  return OUTPUT_DEFINITIONS[cfg.type] as unknown as OutputDefinition<C>;
}
