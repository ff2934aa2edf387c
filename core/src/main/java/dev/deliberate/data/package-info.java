/** Prompt records, JSONL reading and writing, benchmark importers and splits. */
package dev.deliberate.data;
