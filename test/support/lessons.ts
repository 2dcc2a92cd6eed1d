export { LESSONS_DIR, readLessons, type Lesson } from "../../src/lib/lesson-files.ts";
