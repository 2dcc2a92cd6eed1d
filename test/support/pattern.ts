/**
 * A regular expression written in pieces (String.raw, so escapes read as in a literal), joined: a long one then
 * fits the line length, where a literal can't be split.
 */
export function pattern(...pieces: string[]): RegExp {
  return new RegExp(pieces.join(""));
}
