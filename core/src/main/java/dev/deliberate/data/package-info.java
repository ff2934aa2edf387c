/** Prompt records, JSONL reading and atomic writing, benchmark importers, jailbreak attacks and splits. */
package dev.deliberate.data;
