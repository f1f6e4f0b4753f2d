import fs from 'node:fs';

/**
 * The folder every input lies in (with its trailing slash), '' when they share none or the
 * input is stdin: the table shows paths below it (WriterOptions.pathBase). A glob counts from the folder before its
 * first wildcard.
 */
export function commonFolder(inputs: string[]): string {
  const folders: string[][] = [];
  for (const input of inputs) {
    if (input === '-') return '';
    let p = input;
    const wild = p.search(/[*?[{]/);
    if (wild >= 0) p = p.slice(0, p.lastIndexOf('/', wild) + 1);
    else if (!p.endsWith('/') && !isFolder(p)) p = p.slice(0, p.lastIndexOf('/') + 1);
    folders.push([...(p.startsWith('/') ? ['/'] : []), ...p.split('/').filter((x) => x !== '' && x !== '.')]);
  }
  const [first, ...rest] = folders;
  if (first === undefined) return '';
  let common = first;
  for (const f of rest) {
    let k = 0;
    while (k < common.length && k < f.length && common[k] === f[k]) k++;
    common = common.slice(0, k);
  }
  // The root alone, or nothing shared: paths stay as given.
  const named = common.filter((x) => x !== '/');
  if (named.length === 0) return '';
  return `${common[0] === '/' ? '/' : ''}${named.join('/')}/`;
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

