package io.shopstack.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.testsupport.AgentInstrumentation;
import org.junit.jupiter.api.Test;

/**
 * In the cluster the SkyWalking agent rewrites every controller's constructors (see {@link
 * AgentInstrumentation}): each one must still be created by Spring, or the service dies at start
 * only where the agent runs.
 */
class ControllersUnderTheAgentTest {

  @Test
  void everyControllerSurvivesTheAgentsRewrite() {
    assertThat(AgentInstrumentation.controllersLostToTheAgent("io.shopstack.order")).isEmpty();
  }
}
