/** Splits a shell command line into words: single and double quotes, backslash escapes in double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      let s = '';
      for (; line[j] !== '"'; j++) s += line[j] === '\\' ? line[++j] : line[j];
      word = (word ?? '') + s;
      i = j;
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/**
 * The `$ lolhunt ...` lines of a --help text, as argument lists (without `lolhunt`). A
 * description after the command is separated from it by two or more spaces.
 */
export function helpExamples(help: string): string[][] {
  return help.split('\n').flatMap((line) => {
    const m = /^\s*\$ lolhunt (.*)$/.exec(line);
    if (!m) return [];
    return [shellWords(splitDescription(m[1]!))];
  });
}

/** The command part of `command   description`, minding quotes. */
export function splitDescription(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ' ' && text[i + 1] === ' ') return text.slice(0, i);
  }
  return text;
}

/** Fenced code blocks of a Markdown text, in order, with their info string. */
export function codeBlocks(markdown: string): { lang: string; body: string }[] {
  const out: { lang: string; body: string }[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push({ lang: m[1]!, body: m[2]! });
  return out;
}
