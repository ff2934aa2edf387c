/** Judges and graders: the spec judge, the reference judge, refusal classifiers, the StrongREJECT rubric. */
package dev.deliberate.judge;
