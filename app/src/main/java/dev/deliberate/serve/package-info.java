/**
 * HTTP servers over the toolkit's models and judges. The reward server ({@link dev.deliberate.serve.RewardServer})
 * lets external RL frameworks (OpenRLHF, verl, TRL) use the spec judge as their reward: it cuts the chain of thought
 * out of each response before the judge sees it. Built on the JDK's own HTTP server: no framework to configure.
 */
package dev.deliberate.serve;
