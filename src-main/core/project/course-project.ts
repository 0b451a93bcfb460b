/**
 * The built-in project: the course's NYC green-taxi trip-duration model. Every stored row without a
 * project (all of them before projects existed) belongs to it, and the course's CLI flags
 * (`--month`, `--date`, `--reference-month`) act on it.
 */
export const COURSE_PROJECT = 'nyc-taxi'
