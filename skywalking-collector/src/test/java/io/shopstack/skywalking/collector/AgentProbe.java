package io.shopstack.skywalking.collector;

import java.io.IOException;

/**
 * The smallest application a SkyWalking agent can attach to: it lives until its standard input
 * closes, so the test that starts it decides how long the agent gets to report.
 */
public final class AgentProbe {

  private AgentProbe() {}

  public static void main(String[] args) throws IOException {
    System.out.println("probe running");
    while (System.in.read() >= 0) {
      // wait for the parent to close standard input
    }
  }
}
