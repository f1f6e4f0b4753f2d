export { isEvtx, readEvtx, readEvtxFile } from './reader.js';
export { readChunk, CHUNK_SIZE } from './chunk.js';
