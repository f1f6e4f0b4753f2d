export { discoverInputs, inputRoot, type DiscoverOptions, type Discovery } from './discover.js';
export { readItems, readText, splitFile, textBytes, textHash, TextReader } from './read.js';
export { DEFAULT_MAX_LINE_BYTES, type ByteRange, type ByteSpan, type DiscoveryProblem, type InputItem, type InputSource, type LineFilter, type LineTags, type ReadOptions } from './types.js';
