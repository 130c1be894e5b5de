package org.apache.skywalking.apm.agent;

/**
 * Stands in for the SkyWalking agent's premain class, which {@code -javaagent} puts on the system
 * class path: its presence is how the services tell that an agent is attached.
 */
public final class SkyWalkingAgent {
  private SkyWalkingAgent() {}
}
