// The workshop's page parts (issue 14), loaded on demand: the attendee's dock and help in the console only under
// <html data-workshop> (the hub's pages), the presenter view only with ?present. A solo page's first load carries
// this module alone.
const workshop = document.documentElement.hasAttribute("data-workshop");

if (new URLSearchParams(location.search).has("present")) {
  void import("./presenter.ts").then((module) => module.startPresenter(workshop));
} else if (workshop) {
  void import("./class-client.ts").then((module) => module.startClass());
  void import("./help-attendee.ts").then((module) => module.startHelp());
}
