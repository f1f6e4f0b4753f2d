/** A construct lolhunt cannot express: the rule is left out, with this reason. */
export class SigmaUnsupported extends Error {}
/** A rule that breaks the Sigma format itself. */
export class SigmaInvalid extends Error {}
/** A file that is not a well-formed Sigma rule; line and column point into it when known. */
export class SigmaFileError extends Error {
  constructor(readonly reason: string, readonly line?: number, readonly column?: number) {
    super(reason);
  }
}
