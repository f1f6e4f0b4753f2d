import type { QueryResult } from './runner.js';

/** Where a runner puts its results: `emit` when given, else a list `finish` returns (take). */
export class ResultOut {
  private readonly kept: QueryResult[] = [];
  constructor(private readonly emit?: (r: QueryResult) => void) {}
  put(r: QueryResult): void {
    if (this.emit) this.emit(r);
    else this.kept.push(r);
  }
  take(): QueryResult[] {
    return this.kept.splice(0);
  }
}
