// The lessons as the bridge reads them (server/lesson-start/lessons.ts): the replay tests use the same steps.
export { LESSONS_DIR, readLessons } from "../../server/lesson-start/lessons.ts";
