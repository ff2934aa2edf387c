/**
 * Files and JSON, for every module: one configured JSON mapper ({@link dev.deliberate.io.Json}) and writes that
 * a crash cannot leave half done ({@link dev.deliberate.io.AtomicFiles}).
 */
package dev.deliberate.io;
