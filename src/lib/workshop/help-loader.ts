// Help in the console (issue 14) on the attendee's page: only pages the hub served (<html data-workshop>) load the
// code, as a chunk of its own, so that single-user pages carry none of it.
if (typeof document !== "undefined" && document.documentElement.hasAttribute("data-workshop")) {
  void import("./help-attendee.ts").then(({ startHelp }) => startHelp());
}
