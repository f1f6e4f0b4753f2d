/**
 * Field maps are data. A source is written `Name` (a field of the event's data), `Name|how`
 * (the same through one of the transforms in ../transforms.ts), `user:Name` (a field of the
 * event's UserData), `sys:name|how` (a field of the event's header, located per shape in
 * ./shapes.ts) or `=text` (a constant). A list means "the first of these that is present".
 */
export type Source = string;
export type FieldRules = Record<string, Source | Source[]>;

export interface EventMap {
  category?: string[];
  type?: string[];
  action?: string;
  /** Set only where the event id makes it certain (Sysmon's blocked-file events). */
  outcome?: string;
  /** Mapped only for this event id (override the channel's common fields of the same name). */
  fields?: FieldRules;
  /** The id means this event only from these providers (the System log's ids are per provider). */
  providers?: string[];
}

/** The map for one event-log channel (Sysmon, Security, System, PowerShell). */
export interface ChannelMap {
  name: string;
  /** Header values that pick this map: channel names and provider names. */
  channels: string[];
  providers: string[];
  /** Mapped for every event of the channel. */
  common: FieldRules;
  /** Per event id (as a string). */
  events: Record<string, EventMap>;
  /**
   * Per event id ('*': any other), an event-data field of `Key=Value` lines whose pairs become
   * fields of the event data, as winlogbeat's PowerShell module splits them (classic Windows
   * PowerShell's unnamed params, 4103's ContextInfo); keys lose their blanks.
   */
  keyValue?: Record<string, string>;
}

/** Header fields every shape locates (see ./shapes.ts). */
export type HeaderName = 'code' | 'channel' | 'provider' | 'computer' | 'computerName' | 'created' | 'recordId' | 'pid' | 'tid' | 'keywords' | 'userId';

/** Where a document shape keeps its event data and its header fields (tried in order). */
export interface ShapeMap {
  /** Dotted path of the object holding the event data; '' for the top level. */
  eventData: string;
  /** Dotted path of the object holding the UserData element's fields, if the shape has one. */
  userData?: string;
  system: Record<HeaderName, string[]>;
  /** Top-level keys that are header, not event data (a flat shape's winlog.event_data leaves them out). */
  headerKeys?: string[];
}
