// Deep links to a lesson's steps: every cell and lab action has the id cell-N, N counting from 1 as Run all
// counts ("cell 5 of 22"), so /lessons/05-subscriptions/#cell-5 opens the page at that step.

/** The id of the step at this index (from 0) of its lesson; none for an element that is not a lesson step. */
export function stepId(step: number | undefined): string | undefined {
  return step === undefined ? undefined : `cell-${step + 1}`;
}
