/**
 * Field maps are data. A source is written `Name` (a field of the event's data), `Name|how`
 * (the same through one of the transforms in ../transforms.ts), `sys:name|how` (a field of
 * the event's header, located per shape in ./shapes.ts) or `=text` (a constant). A list
 * means "the first of these that is present".
 */
export type Source = string;
export type FieldRules = Record<string, Source | Source[]>;

export interface EventMap {
  category?: string[];
  type?: string[];
  action?: string;
  /** Mapped only for this event id (override the channel's common fields of the same name). */
  fields?: FieldRules;
}

/** The map for one event-log channel (Sysmon, Security). */
export interface ChannelMap {
  name: string;
  /** Header values that pick this map: channel names and provider names. */
  channels: string[];
  providers: string[];
  /** Mapped for every event of the channel. */
  common: FieldRules;
  /** Per event id (as a string). */
  events: Record<string, EventMap>;
}

/** Where a document shape keeps its event data and its header fields (tried in order). */
export interface ShapeMap {
  /** Dotted path of the object holding the event data; '' for the top level. */
  eventData: string;
  system: Record<'code' | 'channel' | 'provider' | 'computer' | 'created', string[]>;
}
