export { isEvtx, readEvtx } from './reader.js';
export { readChunk, CHUNK_SIZE } from './chunk.js';
