/** From judged samples to training data: filtering, spec stripping and the SFT exporters. */
package dev.deliberate.dataset;
