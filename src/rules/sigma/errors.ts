/** A construct lolhunt cannot express: the rule is left out, with this reason. */
export class SigmaUnsupported extends Error {}
/** A rule that breaks the Sigma format itself. */
export class SigmaInvalid extends Error {}
