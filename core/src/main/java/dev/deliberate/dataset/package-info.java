/**
 * From judged samples to training data: filtering, spec stripping, the SFT exporters, and drawing training sets in
 * a chosen mix of benign and other requests.
 */
package dev.deliberate.dataset;
