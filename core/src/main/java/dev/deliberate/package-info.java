/** Shared by every package of the core: the one exception type for bad user input. */
package dev.deliberate;
