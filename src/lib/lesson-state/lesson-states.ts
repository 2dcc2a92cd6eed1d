// The lessons' state checks are declared in shared/, where the workshop hub lists them as the instructor's grid's
// columns too; the page's code imports them from here as before.
export {
  builtBy,
  LESSON_COUNT,
  lessonState,
  subject,
  type LessonState,
} from "../../../shared/lessons/lesson-states.ts";
