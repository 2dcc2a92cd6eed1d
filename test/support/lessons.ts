// The lessons as the bridge reads them (server/lesson-start/lessons.ts): the replay tests use the same steps.
export { readLessons } from "../../server/lesson-start/lessons.ts";
