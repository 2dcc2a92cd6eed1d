/**
 * A meta-command that psql itself would refuse or report on, with psql's own words: `invalid command \foo`,
 * `Did not find any relation named "nope".`. SQL errors from the catalog queries are not wrapped: they keep
 * their SQLSTATE, as every other SQL error in the bridge does.
 */
export class MetaError extends Error {
  /** The line psql prints after the error, when it prints one (`Try \? for help.`). */
  readonly hint: string | undefined;
  /**
   * True for what psql reports but counts as the command's success (\dt's `Did not find any tables named`):
   * psql then goes on as after any success, warning about the arguments it ignored.
   */
  readonly reportOnly: boolean;

  constructor(message: string, hint?: string, options: { reportOnly?: boolean } = {}) {
    super(message);
    this.name = "MetaError";
    this.hint = hint;
    this.reportOnly = options.reportOnly ?? false;
  }
}
