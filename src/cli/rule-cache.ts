import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { inputRoot } from '../input/index.js';
import type { SigmaTranslation, TranslationCache } from '../rules/index.js';
import { CliError } from './exit-codes.js';
import { refuseReadTarget } from './reads.js';
import { version } from './version.js';

/**
 * Sigma translations kept between runs (docs/decisions.md: reading and translating SigmaHQ's
 * YAML is most of a scan's CPU over a small export). One file per lolhunt version and build
 * of the translator, in LOLHUNT_CACHE_DIR, else $XDG_CACHE_HOME/lolhunt, else
 * ~/.cache/lolhunt; entries are keyed by each rule file's name, text and placeholders
 * (translationKey). `LOLHUNT_CACHE_DIR=off` turns it off. A cache that cannot be read is
 * an empty one, one that cannot be written is left as it was: it only saves time.
 */
export class RuleCache implements TranslationCache {
  private readonly used = new Map<string, SigmaTranslation>();
  private added = 0;
  /** The file's entries, read at the first lookup: a run of TOML rules alone never reads (and holds) SigmaHQ's trees. */
  private entries: Map<string, SigmaTranslation> | null = null;

  /** The cache file, named when first needed: hashing the translator's code costs ~20 ms a run that loads no Sigma rule need not pay. */
  private named: string | null = null;

  private constructor(private readonly dir: string) {}

  private get file(): string {
    return (this.named ??= path.join(this.dir, `sigma-${version()}-${translatorBuild()}.v8`));
  }

  private get kept(): Map<string, SigmaTranslation> {
    if (this.entries === null) {
      this.entries = new Map();
      try {
        const data: unknown = v8.deserialize(fs.readFileSync(this.file));
        if (data instanceof Map) this.entries = data as Map<string, SigmaTranslation>;
      } catch {
        // Absent or unreadable: start empty.
      }
    }
    return this.entries;
  }

  /**
   * The cache of this build, or null when it is turned off or would lie inside what the
   * command reads: a rule path, or an input (a glob by its leading folder; stdin is no place).
   */
  static open(rulePaths: string[], inputs: string[] = [], env: NodeJS.ProcessEnv = process.env): RuleCache | null {
    const dir = cacheDir(env);
    const read = [...rulePaths, ...inputs.filter((p) => p !== '-').map(inputRoot)];
    if (dir === null || read.some((p) => inside(dir, p))) return null;
    return new RuleCache(dir);
  }

  get(key: string): SigmaTranslation | undefined {
    const t = this.kept.get(key);
    if (t) this.used.set(key, t);
    return t;
  }

  set(key: string, translation: SigmaTranslation): void {
    this.used.set(key, translation);
    this.added++;
  }

  /**
   * Writes the file again when this run translated anything: the entries it used, and the
   * others while there are few enough (rule folders scanned in turn keep theirs).
   */
  save(): void {
    if (this.added === 0) return;
    const entries = new Map(this.used);
    for (const [k, t] of this.kept) if (entries.size < MAX_ENTRIES && !entries.has(k)) entries.set(k, t);
    try {
      refuseReadTarget('the rule cache', this.file);
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, v8.serialize(entries), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      if (!(err instanceof CliError) && !(err instanceof Error && 'code' in err)) throw err;
    }
  }
}

/** Entries a cache file keeps beyond those the run used: a few times SigmaHQ's whole tree. */
const MAX_ENTRIES = 20_000;

/** Is `dir` (perhaps not there yet) `folder` or inside it? */
function inside(dir: string, folder: string): boolean {
  const real = (p: string) => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
  const d = real(dir);
  const f = real(folder);
  return d === f || d.startsWith(f + path.sep);
}

function cacheDir(env: NodeJS.ProcessEnv): string | null {
  const given = env.LOLHUNT_CACHE_DIR;
  if (given === 'off') return null;
  if (given) return given;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'lolhunt');
}

/** A hash of the code a translation comes from (src/rules/sigma and the EQL tree it builds), so a changed build never reads another's trees. */
function translatorBuild(): string {
  const hash = createHash('sha256');
  for (const dir of ['../rules/sigma/', '../eql/']) {
    const folder = new URL(dir, import.meta.url);
    for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.js')).sort()) {
      hash.update(name).update(fs.readFileSync(new URL(name, folder)));
    }
  }
  return hash.digest('base64url').slice(0, 16);
}
