/**
 * An envelope is one way a provider (or an export of it) wraps a Kubernetes audit event. Each envelope
 * module says, in SQL over the record struct `u` (see event-shape.ts; a record staged beside its
 * embedded document has that document in `u` and the rest in `w`), how to recognise its records and
 * how to read the Event and the envelope's own facts out of them. Nothing
 * here touches the database: normalise.ts assembles the modules into one set-based statement.
 */
export interface Envelope {
  /** Stored in audit_events.envelope and used in counts. */
  readonly name: string;
  /** SQL predicate over `u` (and `w`, `a`) that claims a record. Envelopes are tried in registry order. */
  readonly match: string;
  /**
   * Columns computed once per claimed record before the expressions below, in layers: each layer may
   * use the columns of the layers before it.
   */
  readonly prepare?: ReadonlyArray<Readonly<Record<string, string>>>;
  /** SQL: a reason when the record is in this envelope but is not a Kubernetes audit record (skipped and counted, not quarantined). */
  readonly outOfScope?: string;
  /** SQL giving the Event struct; NULL when the embedded event cannot be read (see `unreadable`). */
  readonly event: string;
  /**
   * SQL giving the Event struct from a record read strictly typed (normalise.ts, `typed`), for an
   * envelope whose Event is the record itself; NULL where that is not so. Envelopes without it, and
   * records where it is NULL, are landed by the lenient read only.
   */
  readonly typedEvent?: string;
  /** SQL: the quarantine reason when `event` is NULL. */
  readonly unreadable?: string;
  /** Envelope facts; each is SQL and may be omitted (NULL). */
  readonly meta: {
    readonly providerEventId?: string;
    readonly ingestedAt?: string; // VARCHAR timestamp
    readonly logName?: string;
    readonly envelopeTime?: string; // VARCHAR timestamp of the record itself
    readonly envelopeRecord?: string; // JSON: the provider's record minus what the columns hold
  };
  /** Canonical values the envelope knows better than the Event it rebuilt (SQL; NULL defers to the Event). */
  readonly overrides?: {
    readonly decision?: string;
    readonly stage?: string;
  };
}

/**
 * SQL: a JSON value that may hold a JSON document as a string (Log Analytics dynamic columns, CloudWatch
 * messages, Azure `properties.log`). A string that does not parse is kept as the string.
 */
export const jsonOrEmbedded = (expr: string): string =>
  `(CASE WHEN json_type(${expr}) = 'VARCHAR' THEN coalesce(try(json(json_extract_string(${expr}, '$'))), ${expr}) ELSE ${expr} END)`;

/** SQL: text of a JSON value that is either an embedded JSON string or an object. */
export const embeddedText = (expr: string): string =>
  `(CASE WHEN json_type(${expr}) = 'VARCHAR' THEN json_extract_string(${expr}, '$') ELSE CAST(${expr} AS VARCHAR) END)`;

/** SQL: read an Event out of JSON text; NULL when the text is not a JSON object. One parse. */
export const eventFromText = (textExpr: string, eventSpec: string): string =>
  `(CASE WHEN starts_with(ltrim(${textExpr}), '{') THEN try(json_transform(${textExpr}, '${eventSpec}')) END)`;
