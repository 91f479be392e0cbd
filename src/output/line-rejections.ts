// What InfluxDB says when it refuses particular lines rather than the request: the reason in a
// word for the points_dropped metric, the count it gives (1.x/2.x `dropped=N`) and, from
// InfluxDB 3, which lines. An answer matching none of these is about the request (a proxy's 400,
// a wrong org or precision): it keeps the batch.

export const LINE_REASONS = ['beyond_retention', 'type_conflict', 'column_conflict', 'unparsable', 'limit', 'too_large', 'rejected'] as const;
export type LineReason = (typeof LINE_REASONS)[number];

export interface NamedRejection {
  /** 0-based index of the line in the body sent. */
  index: number;
  reason: LineReason;
  message: string;
}

export interface LineRejection {
  reason: LineReason;
  /** Points the server says it dropped (`dropped=N` of 1.x and 2.x), when it says. */
  dropped?: number;
  /** The lines the server names (InfluxDB 3), when it does. */
  named?: NamedRejection[];
  /** The server wrote the lines it did not name (InfluxDB 3 partial write). */
  othersWritten: boolean;
  /** The measurement the message names (1.x/2.x type conflicts and limits): its lines are the suspects. */
  measurement?: string;
}

// Order matters: a tag/field clash is also "invalid column type"; "retention policy not found"
// (a missing target) must not read as points beyond retention.
const REASON_PATTERNS: [LineReason, RegExp][] = [
  ['column_conflict', /column_type::tag|both tag and field|tag and field (with|of) the same name|same name as a (tag|field)/i],
  ['type_conflict', /field type conflict|invalid column type|type conflict|conflicting type/i],
  ['beyond_retention', /beyond retention policy|outside (the )?retention policy|retention policy lower bound|outside (of )?the (bucket'?s? )?retention (period|window)/i],
  ['limit', /max-values-per-tag|max-series-per-database|would exceed number of (tag )?(columns|tables)|(columns|tables|series) (per \w+ )?limit/i],
  ['unparsable', /unable to parse|unparsable|could not parse|pars(e|ing) (error|failed)|parsing failed|invalid (field format|number|boolean|line protocol)|bad timestamp|missing (fields|field value|tag value|measurement)|no fields were provided|expected (tag|field) (key|value)|found trailing content|tag set malformed/i],
  ['rejected', /partial write/i],
];

/** The line-level reason a server message gives, or undefined when it names no line. */
export function lineReasonOf(message: string): LineReason | undefined {
  for (const [reason, pattern] of REASON_PATTERNS) if (pattern.test(message)) return reason;
  return undefined;
}

interface V3LineError {
  line_number?: unknown;
  error_message?: unknown;
}

/** InfluxDB 3's JSON body listing rejected lines (`line_number` counts from 1). */
function namedLines(json: unknown): { named: NamedRejection[]; othersWritten: boolean } | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { error, data } = json as { error?: unknown; data?: unknown };
  if (typeof error !== 'string') return undefined;
  const items: V3LineError[] = Array.isArray(data) ? data : typeof data === 'object' && data !== null ? [data as V3LineError] : [];
  const named: NamedRejection[] = [];
  for (const item of items) {
    if (typeof item?.line_number !== 'number' || !Number.isInteger(item.line_number) || item.line_number < 1) return undefined;
    const message = typeof item.error_message === 'string' ? item.error_message : error;
    named.push({ index: item.line_number - 1, reason: lineReasonOf(message) ?? 'rejected', message });
  }
  if (named.length === 0) return undefined;
  // "partial write of line protocol occurred": the rest was written; with accept_partial=false
  // ("parsing failed for write_lp endpoint") nothing was.
  return { named, othersWritten: /partial write/i.test(error) };
}

/** Reads a 400/422 answer; undefined when it is a refusal of the request, not of lines. */
export function readLineRejection(body: string, message: string): LineRejection | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const listed = namedLines(json);
  if (listed) return { reason: listed.named[0]!.reason, named: listed.named, othersWritten: listed.othersWritten };
  const reason = lineReasonOf(message);
  if (reason === undefined) return undefined;
  const dropped = /dropped=(\d+)/.exec(message);
  const measurement = /(?:on measurement |measurement=)"([^"]+)"/.exec(message);
  return { reason, dropped: dropped ? Number(dropped[1]) : undefined, othersWritten: false, measurement: measurement?.[1] };
}
