/**
 * Judges and graders: the spec judge, the reference judge, the string-match, reference and model graders, the
 * StrongREJECT rubric, and the one reader of response style ({@link dev.deliberate.judge.StyleReader}) that every
 * judge, grader, evaluation and reward reads answers with.
 */
package dev.deliberate.judge;
