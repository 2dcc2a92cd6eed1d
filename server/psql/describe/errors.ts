/**
 * A meta-command that psql itself would refuse or report on, with psql's own words: `invalid command \foo`,
 * `Did not find any relation named "nope".`. SQL errors from the catalog queries are not wrapped: they keep
 * their SQLSTATE, as every other SQL error in the bridge does.
 */
export class MetaError extends Error {
  /** The line psql prints after the error, when it prints one (`Try \? for help.`). */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = "MetaError";
    this.hint = hint;
  }
}
