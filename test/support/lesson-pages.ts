// The lessons' pages, by their path under /lessons/, for the tests that visit every one of them.
export const LESSON_PAGES = [
  "01-logical-replication",
  "02-settings",
  "03-schema",
  "04-publication",
  "05-subscriptions",
  "06-load-and-watch",
  "07-what-replicates",
  "08-slots",
  "09-pitfalls-and-security",
  "10-choosing-what-travels",
  "11-both-directions",
] as const;
