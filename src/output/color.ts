import { Chalk, type ChalkInstance } from 'chalk';

/**
 * Colour decision, in order: --color / --no-color, NO_COLOR (any non-empty value),
 * FORCE_COLOR (anything but "0"), then whether the stream is a terminal.
 */
export function useColor(opts: { flag: boolean | undefined; stream: { isTTY?: boolean }; env: NodeJS.ProcessEnv }): boolean {
  if (opts.flag !== undefined) return opts.flag;
  if (opts.env.NO_COLOR) return false;
  if (opts.env.FORCE_COLOR !== undefined && opts.env.FORCE_COLOR !== '0') return true;
  return opts.stream.isTTY === true;
}

export function palette(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

const SEVERITY_COLOURS: Record<string, (c: ChalkInstance) => ChalkInstance> = {
  low: (c) => c.cyan,
  medium: (c) => c.yellow,
  high: (c) => c.red,
  critical: (c) => c.bgRed.white.bold,
};

export function paintSeverity(c: ChalkInstance, severity: string): string {
  const paint = SEVERITY_COLOURS[severity];
  return paint ? paint(c)(severity) : severity;
}
