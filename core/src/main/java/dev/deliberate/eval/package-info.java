/** Evaluation suites and the metrics of DESIGN.md section 1, with bootstrap intervals. */
package dev.deliberate.eval;
